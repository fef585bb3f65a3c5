/**
 * A strict parser of the Prometheus text exposition format 0.0.4, for tests: it accepts what
 * Prometheus accepts and reports, by name, everything a scrape would be rejected or misread for:
 * a series (name + label set) rendered twice, HELP or TYPE repeated, a family's lines split
 * apart, a sample before its TYPE, a malformed line, label or value. Errors are collected, not
 * thrown at the first one, so a test failure lists every duplicate at once.
 *
 * Format reference: prometheus.io/docs/instrumenting/exposition_formats (text-based format).
 */
export interface PromSample {
  /** Sample name as written, e.g. `x_count`. */
  name: string;
  /** The family it belongs to (`x` for `x_count` of a summary). */
  family: string;
  labels: Record<string, string>;
  value: number;
  /** 1-based line number, for messages. */
  line: number;
}

export interface PromFamily {
  name: string;
  type: 'counter' | 'gauge' | 'summary' | 'histogram' | 'untyped';
  help?: string;
}

export interface PromParseResult {
  families: Map<string, PromFamily>;
  samples: PromSample[];
  errors: string[];
}

const metricName = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const labelName = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const types = new Set(['counter', 'gauge', 'summary', 'histogram', 'untyped']);

/** Series identity: the name plus its labels sorted by name. */
export function seriesKey(name: string, labels: Record<string, string>): string {
  const pairs = Object.keys(labels)
    .sort()
    .map((k) => `${k}=${JSON.stringify(labels[k])}`);
  return pairs.length > 0 ? `${name}{${pairs.join(',')}}` : name;
}

export function parsePrometheusText(text: string): PromParseResult {
  const families = new Map<string, PromFamily>();
  const samples: PromSample[] = [];
  const errors: string[] = [];
  const seen = new Map<string, number>();
  const helpSeen = new Set<string>();
  const closed = new Set<string>();
  let current: string | null = null;
  const enter = (family: string, lineNo: number) => {
    if (current === family) return;
    // All lines of one family must be one group: Prometheus reads a family seen again as a
    // second family of the same name and rejects the scrape.
    if (closed.has(family)) errors.push(`line ${lineNo}: family ${family} appears again after other families (its lines must be together)`);
    if (current !== null) closed.add(current);
    current = family;
  };

  if (text.length > 0 && !text.endsWith('\n')) errors.push('the exposition does not end with a line feed');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  lines.forEach((raw, index) => {
    const lineNo = index + 1;
    const line = raw.replace(/^[ \t]+/, '');
    if (line === '') return;
    if (line.startsWith('#')) {
      const m = /^#[ \t]+(HELP|TYPE)[ \t]+(\S+)(?:[ \t]+(.*))?$/.exec(line);
      if (!m) return; // other comments are allowed and ignored
      const [, kind, name, rest = ''] = m as unknown as [string, string, string, string | undefined];
      if (!metricName.test(name)) {
        errors.push(`line ${lineNo}: invalid metric name "${name}" in ${kind}`);
        return;
      }
      enter(name, lineNo);
      if (kind === 'HELP') {
        if (helpSeen.has(name)) errors.push(`line ${lineNo}: second HELP for ${name}`);
        helpSeen.add(name);
        const family = families.get(name) ?? { name, type: 'untyped' as const };
        family.help = rest;
        families.set(name, family);
      } else {
        if (!types.has(rest.trim())) errors.push(`line ${lineNo}: unknown TYPE "${rest}" for ${name}`);
        const existing = families.get(name);
        if (existing && existing.type !== 'untyped' ) errors.push(`line ${lineNo}: second TYPE for ${name}`);
        if (samples.some((s) => s.family === name)) errors.push(`line ${lineNo}: TYPE for ${name} after its samples`);
        families.set(name, { ...(existing ?? { name }), name, type: rest.trim() as PromFamily['type'] });
      }
      return;
    }
    const parsed = parseSample(line);
    if (typeof parsed === 'string') {
      errors.push(`line ${lineNo}: ${parsed}: ${JSON.stringify(raw)}`);
      return;
    }
    const family = familyOf(parsed.name, families);
    enter(family, lineNo);
    const type = families.get(family)?.type ?? 'untyped';
    if (type === 'summary' && parsed.name === family && parsed.labels.quantile === undefined) errors.push(`line ${lineNo}: summary sample ${parsed.name} without a quantile label`);
    if (type === 'histogram' && parsed.name === `${family}_bucket` && parsed.labels.le === undefined) errors.push(`line ${lineNo}: histogram bucket without an le label`);
    const key = seriesKey(parsed.name, parsed.labels);
    const first = seen.get(key);
    if (first !== undefined) errors.push(`duplicate series ${key} (lines ${first} and ${lineNo})`);
    else seen.set(key, lineNo);
    samples.push({ ...parsed, family, line: lineNo });
  });
  return { families, samples, errors };
}

// `x_sum`, `x_count` (summary, histogram) and `x_bucket` (histogram) belong to family x.
function familyOf(name: string, families: Map<string, PromFamily>): string {
  if (families.has(name)) return name;
  const m = /^(.*)_(sum|count|bucket)$/.exec(name);
  if (m && families.has(m[1]!)) {
    const type = families.get(m[1]!)!.type;
    if ((type === 'summary' && m[2] !== 'bucket') || type === 'histogram') return m[1]!;
  }
  return name;
}

function parseSample(line: string): Omit<PromSample, 'family' | 'line'> | string {
  let i = 0;
  while (i < line.length && /[a-zA-Z0-9_:]/.test(line[i]!)) i += 1;
  const name = line.slice(0, i);
  if (!metricName.test(name)) return 'invalid metric name';
  const labels: Record<string, string> = {};
  if (line[i] === '{') {
    i += 1;
    for (;;) {
      while (line[i] === ' ' || line[i] === '\t') i += 1;
      if (line[i] === '}') {
        i += 1;
        break;
      }
      let j = i;
      while (j < line.length && /[a-zA-Z0-9_]/.test(line[j]!)) j += 1;
      const label = line.slice(i, j);
      if (!labelName.test(label)) return 'invalid label name';
      if (label.startsWith('__')) return `reserved label name ${label}`;
      if (line[j] !== '=' || line[j + 1] !== '"') return `label ${label} without ="value"`;
      i = j + 2;
      let value = '';
      for (;;) {
        const c = line[i];
        if (c === undefined) return `unterminated value of label ${label}`;
        if (c === '"') break;
        if (c === '\\') {
          const next = line[i + 1];
          if (next === 'n') value += '\n';
          else if (next === '\\' || next === '"') value += next;
          else return `invalid escape \\${next ?? ''} in label ${label}`;
          i += 2;
        } else {
          value += c;
          i += 1;
        }
      }
      i += 1;
      if (label in labels) return `label ${label} twice`;
      labels[label] = value;
      while (line[i] === ' ' || line[i] === '\t') i += 1;
      if (line[i] === ',') i += 1;
      else if (line[i] !== '}') return 'expected , or } after a label';
    }
  }
  const rest = line.slice(i);
  const m = /^[ \t]+(\S+)(?:[ \t]+(-?\d+))?[ \t]*$/.exec(rest);
  if (!m) return 'expected a value (and optional timestamp) after the name';
  const value = parseValue(m[1]!);
  if (value === null) return `invalid value ${m[1]}`;
  return { name, labels, value };
}

function parseValue(text: string): number | null {
  if (text === 'NaN') return NaN;
  if (text === '+Inf' || text === 'Inf') return Infinity;
  if (text === '-Inf') return -Infinity;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) return null;
  return Number(text);
}
