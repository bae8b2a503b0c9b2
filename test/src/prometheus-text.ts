/**
 * A strict parser of the Prometheus text exposition format (version 0.0.4), for the
 * black-box tests: it accepts only what a conforming exporter may write and throws an
 * Error naming the line otherwise. Checks: `# HELP` / `# TYPE` lines (one each per family,
 * TYPE before the family's samples, known types), sample lines (name, labels with `\\`,
 * `\"` and `\n` escapes, no duplicate label, a float value, optional integer timestamp),
 * every sample belonging to a declared family, a family's samples contiguous, and for
 * histograms per label set: `le` bounds strictly increasing, cumulative counts
 * non-decreasing, a `+Inf` bucket equal to `_count`, and a `_sum`.
 */

/** One sample line. */
export interface PromSample {
  /** The series name as written (`x_bucket` for a histogram bucket). */
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** One family: its HELP, TYPE and samples. */
export interface PromFamily {
  readonly name: string;
  readonly type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  help: string | null;
  readonly samples: PromSample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const HISTOGRAM_SUFFIXES = ['_bucket', '_sum', '_count'];

/** Parses `text` strictly; returns the families by name. */
export function parsePrometheusText(text: string): Map<string, PromFamily> {
  const families = new Map<string, PromFamily>();
  const helps = new Map<string, string>();
  const finished = new Set<string>();
  let current: PromFamily | null = null;
  if (text.length > 0 && !text.endsWith('\n')) throw new Error('the exposition must end with a newline');
  const lines = text.split('\n');
  lines.pop();
  lines.forEach((line, i) => {
    const where = `line ${i + 1}: ${JSON.stringify(line.slice(0, 200))}`;
    if (line.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
      if (m === null) {
        if (line.startsWith('# HELP') || line.startsWith('# TYPE')) throw new Error(`malformed ${where}`);
        return; // a plain comment
      }
      const [, kind, name, rest] = m as unknown as [string, string, string, string];
      if (!NAME.test(name)) throw new Error(`invalid metric name in ${where}`);
      if (kind === 'HELP') {
        if (helps.has(name)) throw new Error(`second HELP for ${name} at ${where}`);
        unescapeHelp(rest, where);
        helps.set(name, rest);
        const f = families.get(name);
        if (f !== undefined) f.help = rest;
        return;
      }
      if (!TYPES.has(rest)) throw new Error(`unknown type at ${where}`);
      if (families.has(name)) throw new Error(`second TYPE for ${name} at ${where}`);
      if (current !== null) finished.add(current.name);
      current = { name, type: rest as PromFamily['type'], help: helps.get(name) ?? null, samples: [] };
      families.set(name, current);
      return;
    }
    if (line.trim() === '') throw new Error(`empty ${where}`);
    const sample = parseSample(line, where);
    const family = familyOf(sample.name, families);
    if (family === undefined) throw new Error(`sample of an undeclared family at ${where}`);
    if (family !== current || finished.has(family.name)) throw new Error(`samples of ${family.name} are not contiguous (${where})`);
    if ('le' in sample.labels && !(family.type === 'histogram' && sample.name === `${family.name}_bucket`)) {
      throw new Error(`label le outside a histogram bucket at ${where}`);
    }
    if (family.type === 'counter' && !(sample.value >= 0)) throw new Error(`negative or NaN counter at ${where}`);
    family.samples.push(sample);
  });
  for (const f of families.values()) {
    if (f.help === null) throw new Error(`family ${f.name} has no HELP`);
    if (f.type === 'histogram') checkHistogram(f);
  }
  return families;
}

/** Sum of `family`'s samples whose labels include `match` (e.g. summed over shards). */
export function sumOf(families: Map<string, PromFamily>, name: string, match: Record<string, string> = {}): number {
  let total = 0;
  const family = familyOf(name, families);
  for (const s of family?.samples ?? []) {
    if (s.name === name && Object.entries(match).every(([k, v]) => s.labels[k] === v)) total += s.value;
  }
  return total;
}

/** The family a series name belongs to: itself, or the histogram it is a `_bucket`/`_sum`/`_count` of. */
export function familyOf(series: string, families: Map<string, PromFamily>): PromFamily | undefined {
  const direct = families.get(series);
  if (direct !== undefined) return direct;
  for (const suffix of HISTOGRAM_SUFFIXES) {
    if (!series.endsWith(suffix)) continue;
    const f = families.get(series.slice(0, -suffix.length));
    if (f !== undefined && (f.type === 'histogram' || (f.type === 'summary' && suffix !== '_bucket'))) return f;
  }
  return undefined;
}

function parseSample(line: string, where: string): PromSample {
  const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{)?/.exec(line);
  if (m === null) throw new Error(`invalid sample name at ${where}`);
  const name = m[1]!;
  let pos = name.length;
  const labels: Record<string, string> = {};
  if (m[2] === '{') {
    pos++;
    while (line[pos] !== '}') {
      const lm = /^([a-zA-Z_][a-zA-Z0-9_]*)="/.exec(line.slice(pos));
      if (lm === null || !LABEL_NAME.test(lm[1]!)) throw new Error(`invalid label at ${where}`);
      pos += lm[0].length;
      let value = '';
      for (;;) {
        const c = line[pos];
        if (c === undefined) throw new Error(`unterminated label value at ${where}`);
        pos++;
        if (c === '"') break;
        if (c === '\\') {
          const e = line[pos++];
          if (e === '\\') value += '\\';
          else if (e === '"') value += '"';
          else if (e === 'n') value += '\n';
          else throw new Error(`invalid escape \\${e ?? ''} in a label value at ${where}`);
        } else {
          value += c;
        }
      }
      if (lm[1]! in labels) throw new Error(`duplicate label ${lm[1]} at ${where}`);
      labels[lm[1]!] = value;
      if (line[pos] === ',') pos++;
      else if (line[pos] !== '}') throw new Error(`expected , or } at ${where}`);
    }
    pos++;
  }
  const rest = line.slice(pos);
  const vm = /^ (\S+)(?: (-?\d+))?$/.exec(rest);
  if (vm === null) throw new Error(`invalid value part at ${where}`);
  return { name, labels, value: parseValue(vm[1]!, where) };
}

function parseValue(text: string, where: string): number {
  if (text === 'NaN') return Number.NaN;
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`invalid value ${text} at ${where}`);
  return Number(text);
}

function unescapeHelp(help: string, where: string): void {
  for (let i = 0; i < help.length; i++) {
    if (help[i] !== '\\') continue;
    const e = help[++i];
    if (e !== '\\' && e !== 'n') throw new Error(`invalid escape in HELP at ${where}`);
  }
}

function checkHistogram(f: PromFamily): void {
  const groups = new Map<string, { buckets: Array<{ le: number; count: number }>; sum?: number; count?: number }>();
  for (const s of f.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = { buckets: [] }));
    if (s.name === `${f.name}_bucket`) {
      if (le === undefined) throw new Error(`${f.name}_bucket without le (${key})`);
      g.buckets.push({ le: parseValue(le, `${f.name} le`), count: s.value });
    } else if (s.name === `${f.name}_sum`) {
      if (g.sum !== undefined) throw new Error(`second _sum of ${f.name} ${key}`);
      g.sum = s.value;
    } else if (s.name === `${f.name}_count`) {
      if (g.count !== undefined) throw new Error(`second _count of ${f.name} ${key}`);
      g.count = s.value;
    } else {
      throw new Error(`histogram ${f.name} has a plain sample ${s.name}`);
    }
  }
  for (const [key, g] of groups) {
    if (g.sum === undefined || g.count === undefined) throw new Error(`histogram ${f.name} ${key} lacks _sum or _count`);
    if (g.buckets.length === 0 || g.buckets[g.buckets.length - 1]!.le !== Number.POSITIVE_INFINITY) throw new Error(`histogram ${f.name} ${key} lacks the +Inf bucket`);
    for (let i = 1; i < g.buckets.length; i++) {
      if (!(g.buckets[i]!.le > g.buckets[i - 1]!.le)) throw new Error(`histogram ${f.name} ${key}: le not strictly increasing`);
      if (g.buckets[i]!.count < g.buckets[i - 1]!.count) throw new Error(`histogram ${f.name} ${key}: bucket counts decrease at le=${g.buckets[i]!.le}`);
    }
    if (g.buckets[g.buckets.length - 1]!.count !== g.count) throw new Error(`histogram ${f.name} ${key}: +Inf bucket differs from _count`);
  }
}
