import fs from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import { ConfigError } from './config-error';
import { describeValue } from './describe-value';

/**
 * Reads a YAML config file and returns its top-level mapping (empty for an empty file),
 * values not yet validated. `namedBy` says who named the file ('option --config'), or is
 * null for the default path, which the caller only passes when it exists. Every failure
 * is a one-line ConfigError naming the file (and, for bad YAML, the line and column).
 */
export function readConfigFile(filePath: string, namedBy: string | null): Record<string, unknown> {
  const text = readText(filePath, namedBy);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  const [error] = doc.errors;
  if (error !== undefined) {
    const { line, col } = lineCounter.linePos(error.pos[0]);
    throw new ConfigError(`charybdis: ${filePath}: invalid YAML at line ${line}, column ${col}: ${error.message}`, {
      cause: error,
    });
  }
  let value: unknown;
  try {
    value = doc.toJS();
  } catch (err) {
    // toJS only throws on pathological aliasing (alias bombs, aliases to missing anchors).
    throw new ConfigError(`charybdis: ${filePath}: invalid YAML: ${(err as Error).message}`, { cause: err });
  }
  if (value == null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    const got = Array.isArray(value) ? 'a list' : describeValue(value);
    throw new ConfigError(`charybdis: ${filePath}: expected a mapping of settings (key: value lines) at the top level, got ${got}`);
  }
  return value as Record<string, unknown>;
}

function readText(filePath: string, namedBy: string | null): string {
  try {
    return fs.readFileSync(filePath, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && namedBy !== null) {
      throw new ConfigError(`charybdis: config file ${filePath} (named by ${namedBy}) does not exist`, { cause: err });
    }
    throw new ConfigError(`charybdis: cannot read config file ${filePath}: ${(err as Error).message}`, { cause: err });
  }
}
