import { MeterflowError } from './errors';

export interface FlagSpec {
  name: string;
  kind: 'int' | 'string' | 'bool';
  default?: string;
  description: string;
  oneOf?: readonly string[];
}

/** Parses `--name value` / `--name=value` / `--flag` against a declared list; unknown flags are errors. */
export function parseFlags(argv: string[], specs: readonly FlagSpec[]): Record<string, string | number | boolean | undefined> {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const out: Record<string, string | number | boolean | undefined> = {};
  const raw = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    if (!arg.startsWith('--')) throw new MeterflowError('CONFIG_INVALID', `unexpected argument "${arg}" (see --help)`);
    // Split at the first '=' only: a value may hold one (--node-args=--max-semi-space-size=64).
    const eq = arg.indexOf('=');
    const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
    const inline = eq < 0 ? undefined : arg.slice(eq + 1);
    const spec = byName.get(name);
    if (!spec) throw new MeterflowError('CONFIG_INVALID', `unknown flag --${name} (see --help)`);
    if (spec.kind === 'bool') raw.set(name, inline ?? 'true');
    else {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new MeterflowError('CONFIG_INVALID', `--${name} needs a value`);
      raw.set(name, value);
    }
  }
  for (const spec of specs) {
    const text = raw.get(spec.name) ?? spec.default;
    if (text === undefined) continue;
    if (spec.kind === 'int') {
      const n = Number(text);
      if (!Number.isSafeInteger(n) || n < 0) throw new MeterflowError('CONFIG_INVALID', `--${spec.name} must be a non-negative integer; got "${text}"`);
      out[spec.name] = n;
    } else if (spec.kind === 'bool') out[spec.name] = text === 'true';
    else {
      if (spec.oneOf && !spec.oneOf.includes(text)) throw new MeterflowError('CONFIG_INVALID', `--${spec.name} must be one of ${spec.oneOf.join(', ')}; got "${text}"`);
      out[spec.name] = text;
    }
  }
  return out;
}

export function describeFlags(specs: readonly FlagSpec[]): string {
  return specs.map((s) => `  --${s.name.padEnd(14)} ${s.description}${s.default !== undefined ? ` (default ${s.default})` : ''}`).join('\n');
}

/**
 * Splits a command line into flags (with their values) and the other arguments (file names), for
 * commands that take files after their flags: `--name value` and `--name=value` stay together.
 */
export function splitFlagsAndFiles(argv: readonly string[], specs: readonly FlagSpec[]): { flagArgs: string[]; files: string[] } {
  const byName = new Map(specs.map((f) => [f.name, f]));
  const flagArgs: string[] = [];
  const files: string[] = [];
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      files.push(arg);
      continue;
    }
    flagArgs.push(arg);
    const spec = byName.get(arg.slice(2).split('=')[0]!);
    if (spec && spec.kind !== 'bool' && !arg.includes('=') && i + 1 < argv.length) flagArgs.push(argv[++i]!);
  }
  return { flagArgs, files };
}
