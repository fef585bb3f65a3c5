import { parseArgs, type ParseArgsConfig } from 'node:util';
import { MeterflowError } from './errors';

export interface FlagSpec {
  name: string;
  kind: 'int' | 'string' | 'bool';
  default?: string;
  description: string;
  oneOf?: readonly string[];
}

export type ParsedFlags = Record<string, string | number | boolean | undefined>;

const usageError = (message: string) => new MeterflowError('CONFIG_INVALID', `${message} (see --help)`);

/** parseArgs' error → one that names the flag or argument, as the rest of the CLI does. */
function describeParseError(error: unknown): MeterflowError {
  const { code, message } = error as { code?: string; message: string };
  const flag = /'(-[^' ]+)/.exec(message)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return usageError(`unknown flag ${flag ?? message}`);
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') return usageError(`unexpected argument "${/'([^']*)'/.exec(message)?.[1] ?? message}"`);
  // A value flag last on the line, or followed by another flag ("--rate --json").
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && flag) {
    return usageError(/does not take an argument/.test(message) ? `${flag} takes no value` : `${flag} needs a value`);
  }
  return usageError(message);
}

/**
 * Parses a command line against declared flags with node:util parseArgs (strict): `--name value`,
 * `--name=value` (split at the first '=' only, so a value may hold one), `--flag`; unknown flags,
 * missing values and (unless `positionals`) other arguments are errors that name them. Values are
 * checked once here: ints are non-negative safe integers, `oneOf` lists the allowed values.
 */
export function parseCommandLine(argv: readonly string[], specs: readonly FlagSpec[], options: { positionals?: boolean } = {}): { flags: ParsedFlags; positionals: string[] } {
  const config: ParseArgsConfig['options'] = {};
  for (const s of specs) config[s.name] = { type: s.kind === 'bool' ? 'boolean' : 'string' };
  let parsed: { values: Record<string, string | boolean | (string | boolean)[] | undefined>; positionals: string[] };
  try {
    parsed = parseArgs({ args: [...argv], options: config, strict: true, allowPositionals: options.positionals === true });
  } catch (error) {
    throw describeParseError(error);
  }
  const flags: ParsedFlags = {};
  for (const spec of specs) {
    const given = parsed.values[spec.name];
    if (spec.kind === 'bool') {
      if (given !== undefined) flags[spec.name] = given === true;
      else if (spec.default !== undefined) flags[spec.name] = spec.default === 'true';
      continue;
    }
    const text = (given as string | undefined) ?? spec.default;
    if (text === undefined) continue;
    if (spec.kind === 'int') {
      const n = /^\d+$/.test(text) ? Number(text) : NaN;
      if (!Number.isSafeInteger(n)) throw new MeterflowError('CONFIG_INVALID', `--${spec.name} must be a non-negative integer; got "${text}"`);
      flags[spec.name] = n;
    } else {
      if (spec.oneOf && !spec.oneOf.includes(text)) throw new MeterflowError('CONFIG_INVALID', `--${spec.name} must be one of ${spec.oneOf.join(', ')}; got "${text}"`);
      flags[spec.name] = text;
    }
  }
  return { flags, positionals: parsed.positionals };
}

/** Flags only: any other argument is an error. */
export function parseFlags(argv: readonly string[], specs: readonly FlagSpec[]): ParsedFlags {
  return parseCommandLine(argv, specs).flags;
}

/** The flags table of --help: name and value type, description, default. */
export function describeFlags(specs: readonly FlagSpec[]): string {
  const rows = specs.map((s) => [`--${s.name}${s.kind === 'bool' ? '' : s.kind === 'int' ? ' <n>' : s.oneOf ? ` <${s.oneOf.join('|')}>` : ' <value>'}`, s]  as const);
  const width = Math.min(32, Math.max(16, ...rows.map(([left]) => left.length)));
  return rows
    .map(([left, s]) => `  ${left.padEnd(width)}  ${s.description}${s.default !== undefined ? ` (default ${s.default})` : ''}`)
    .join('\n');
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
