import { MAX_TTL_SECONDS, nativeType } from '@charybdis/schema';
import type { TableMetadata } from '@charybdis/schema';
import type { UsingClause } from '../parser/ast-dml';
import type { WireValue } from '../protocol/frame-reader';
import type { PreparedTerm } from '../terms/term-types';
import type { TermScope } from '../terms/term-scope';
import { prepareTerm } from '../terms/prepare-term';
import { invalidRequest } from '../terms/term-errors';

/**
 * `USING TTL t AND TIMESTAMP t AND TIMEOUT t` of a modification (Cassandra's Attributes):
 * receivers `[ttl]` (int), `[timestamp]` (bigint) and `[timeout]` (duration; accepted and
 * not enforced yet).
 */
export class UsingAttributes {
  readonly ttl: PreparedTerm | undefined;
  readonly timestamp: PreparedTerm | undefined;
  readonly timeout: PreparedTerm | undefined;
  readonly markers: PreparedTerm['markers'];

  constructor(using: UsingClause, table: TableMetadata, scope: TermScope) {
    const r = (name: string, type: 'int' | 'bigint' | 'duration') => ({ keyspace: table.keyspace, table: table.name, name, type: nativeType(type) });
    this.ttl = using.ttl === undefined ? undefined : prepareTerm(using.ttl, r('[ttl]', 'int'), scope);
    this.timestamp = using.timestamp === undefined ? undefined : prepareTerm(using.timestamp, r('[timestamp]', 'bigint'), scope);
    this.timeout = using.timeout === undefined ? undefined : prepareTerm(using.timeout, r('[timeout]', 'duration'), scope);
    this.markers = [this.ttl, this.timestamp, this.timeout].flatMap((t) => (t === undefined ? [] : t.markers));
  }

  /** The USING TIMESTAMP value, or undefined when absent or unset. */
  timestampUs(values: readonly WireValue[], nowMs: number): bigint | undefined {
    if (this.timestamp === undefined) return undefined;
    const v = this.timestamp.bind(values, nowMs);
    if (v === 'unset') return undefined;
    if (v === null) throw invalidRequest('Invalid null value of timestamp');
    if (v.length !== 8) throw invalidRequest('Invalid empty value of timestamp');
    const ts = Buffer.from(v.buffer, v.byteOffset, v.byteLength).readBigInt64BE(0);
    if (ts === -(2n ** 63n)) throw invalidRequest('Out of bound timestamp');
    return ts;
  }

  /** The TTL in seconds (0: none): USING TTL, else the table's default_time_to_live. */
  ttlSeconds(values: readonly WireValue[], nowMs: number, defaultTtl: number): number {
    if (this.ttl === undefined) return defaultTtl;
    const v = this.ttl.bind(values, nowMs);
    if (v === 'unset') return defaultTtl;
    if (v === null) throw invalidRequest('Invalid null value of TTL');
    if (v.length !== 4) throw invalidRequest('Invalid empty value of TTL');
    const ttl = Buffer.from(v.buffer, v.byteOffset, v.byteLength).readInt32BE(0);
    if (ttl < 0) throw invalidRequest(`A TTL must be greater or equal to 0, but was ${ttl}`);
    if (ttl > MAX_TTL_SECONDS) throw invalidRequest(`ttl is too large. requested (${ttl}) maximum (${MAX_TTL_SECONDS})`);
    return ttl;
  }
}
