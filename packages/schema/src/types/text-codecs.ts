import { isUtf8 } from 'node:buffer';
import { nativeType } from './cql-type';
import { asBuffer, describeValue } from './codec-support';
import { compareBytesUnsigned } from './compare-bytes';
import { invalidValueError } from './invalid-value-error';
import type { ValueCodec } from './value-codec';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function firstNonAscii(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; i++) if (bytes[i]! > 0x7f) return i;
  return -1;
}

function checkAsciiBytes(bytes: Uint8Array): void {
  const bad = firstNonAscii(bytes);
  if (bad >= 0) {
    throw invalidValueError('ascii', `byte 0x${bytes[bad]!.toString(16)} at offset ${bad} is not US-ASCII (must be <= 0x7f)`);
  }
}

function checkUtf8Bytes(bytes: Uint8Array): void {
  if (!isUtf8(bytes)) throw invalidValueError('text', 'bytes are not valid UTF-8');
}

/** `ascii`: a JS string of code points below 0x80; bytes <= 0x7f; byte order. */
function asciiCodec(): ValueCodec<string> {
  return {
    type: nativeType('ascii'),
    serialize(value: string): Buffer {
      if (typeof value !== 'string') throw invalidValueError('ascii', `expected a string, got ${describeValue(value)}`);
      for (let i = 0; i < value.length; i++) {
        if (value.charCodeAt(i) > 0x7f) {
          throw invalidValueError('ascii', `string ${describeValue(value)} has a non-ASCII character at index ${i}`);
        }
      }
      return Buffer.from(value, 'latin1');
    },
    deserialize(bytes: Uint8Array): string {
      checkAsciiBytes(bytes);
      return asBuffer(bytes).toString('latin1');
    },
    validate: checkAsciiBytes,
    compare: compareBytesUnsigned,
  };
}

/** `text` (= `varchar`): a JS string (no lone surrogates); valid UTF-8 bytes; byte order. */
function textCodec(): ValueCodec<string> {
  return {
    type: nativeType('text'),
    serialize(value: string): Buffer {
      if (typeof value !== 'string') throw invalidValueError('text', `expected a string, got ${describeValue(value)}`);
      if (LONE_SURROGATE.test(value)) throw invalidValueError('text', 'string has a lone UTF-16 surrogate, which UTF-8 cannot encode');
      return Buffer.from(value, 'utf8');
    },
    deserialize(bytes: Uint8Array): string {
      checkUtf8Bytes(bytes);
      return asBuffer(bytes).toString('utf8');
    },
    validate: checkUtf8Bytes,
    compare: compareBytesUnsigned,
  };
}

/** `blob`: any bytes; JS `Uint8Array` in, a copied `Buffer` out; byte order. */
function blobCodec(): ValueCodec<Uint8Array> {
  return {
    type: nativeType('blob'),
    serialize(value: Uint8Array): Buffer {
      if (!(value instanceof Uint8Array)) throw invalidValueError('blob', `expected a Uint8Array/Buffer, got ${describeValue(value)}`);
      return Buffer.from(value);
    },
    deserialize(bytes: Uint8Array): Buffer {
      return Buffer.from(bytes);
    },
    validate(): void {
      // Any byte string is a blob.
    },
    compare: compareBytesUnsigned,
  };
}

/** The `ascii`, `text` and `blob` codecs. */
export const textCodecs = {
  ascii: asciiCodec,
  text: textCodec,
  blob: blobCodec,
} as const;
