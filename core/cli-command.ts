import { describeFlags, parseCommandLine, type FlagSpec, type ParsedFlags } from './cli-args';
import { describeError, isMeterflowError } from './errors';

/** What `meterflow <command> --help` prints, in one layout for every command (formatHelp). */
export interface CommandHelp {
  /** One line, also listed by `meterflow --help`. */
  summary: string;
  /** What follows `meterflow <command>` on the usage line, e.g. `[flags] <file.csv>…`. */
  usage: string;
  /** A few sentences: what it does, what it prints, where it is documented. */
  description: string;
  flags?: readonly FlagSpec[];
  /** Sub-commands (`meterflow stack up`): name and one line each. */
  commands?: readonly (readonly [string, string])[];
  /** Which MF_* variables it reads; the pointer to docs/configuration.md is added. */
  environment: string;
  /** Whole command lines, starting with `meterflow <command>`. */
  examples: readonly string[];
  exitStatus?: string;
}

export interface CommandArgs {
  flags: ParsedFlags;
  positionals: string[];
  /** The arguments as given (after the command name). */
  argv: string[];
}

export interface CliCommand {
  help: CommandHelp;
  /** Accepts arguments besides flags (files, scenario names); otherwise any is a usage error. */
  positionals?: boolean;
  /** Parses its own arguments (sub-commands with flags of their own): only a leading --help is taken. */
  ownParser?: boolean;
  /**
   * Runs it; resolves to the exit status, or undefined for a service, which keeps running and
   * exits on its own (SIGTERM drain, core/cli.ts). A MeterflowError CONFIG_INVALID is bad usage (2).
   */
  run(args: CommandArgs): Promise<number | undefined> | number | undefined;
}

export interface CommandIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

const helpFlag: FlagSpec = { name: 'help', kind: 'bool', description: 'this text (also -h)' };

export function formatHelp(name: string, help: CommandHelp): string {
  const section = (title: string, body: string) => `${title}:\n${body}`;
  const parts = [
    `Usage: meterflow ${name}${help.usage ? ` ${help.usage}` : ''}`,
    `${help.summary}\n\n${help.description.trim()}`,
    ...(help.commands?.length ? [section('Commands', help.commands.map(([c, text]) => `  ${c.padEnd(Math.max(16, ...help.commands!.map(([n]) => n.length)))}  ${text}`).join('\n'))] : []),
    section('Flags', describeFlags([...(help.flags ?? []), helpFlag])),
    section('Environment', `  ${help.environment.trim()}\n  Every MF_* variable, its default and who reads it: docs/configuration.md.`),
    section('Examples', help.examples.map((e) => `  ${e}`).join('\n')),
    ...(help.exitStatus ? [section('Exit status', `  ${help.exitStatus}`)] : []),
  ];
  return `${parts.join('\n\n')}\n`;
}

/** --help and -h count before a `--` only (after it they are values). */
function asksForHelp(argv: readonly string[], ownParser: boolean): boolean {
  if (ownParser) return argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help';
  const end = argv.indexOf('--');
  return (end < 0 ? argv : argv.slice(0, end)).some((a) => a === '--help' || a === '-h');
}

/**
 * Runs one command with the common rules: --help prints formatHelp; flags are parsed and checked
 * before anything starts (bad usage: exit 2, the message names the flag and points to --help);
 * an error thrown by the command is printed on one line (exit 1, or 2 for a configuration error).
 */
export async function runCliCommand(name: string, command: CliCommand, argv: readonly string[], io: CommandIo = process): Promise<number | undefined> {
  if (asksForHelp(argv, command.ownParser === true)) {
    io.stdout.write(formatHelp(name, command.help));
    return 0;
  }
  const fail = (error: unknown) => {
    const usage = isMeterflowError(error, 'CONFIG_INVALID');
    const message = usage ? `${error.message.replace(/ \(see --help\)$/, '')}; see meterflow ${name} --help` : describeError(error);
    io.stderr.write(`meterflow ${name}: ${message}\n`);
    return usage ? 2 : 1;
  };
  let args: CommandArgs;
  try {
    const parsed = command.ownParser ? { flags: {}, positionals: [...argv] } : parseCommandLine(argv, command.help.flags ?? [], { positionals: command.positionals === true });
    args = { ...parsed, argv: [...argv] };
  } catch (error) {
    return fail(error);
  }
  try {
    return await command.run(args);
  } catch (error) {
    return fail(error);
  }
}

/**
 * The process side: runs the command from its own file (`tsx bridge/cli.ts`, as tests and benches
 * spawn services) or from the dispatcher. A failure exits at once (open sockets must not keep a
 * failed command alive); success lets the process end by itself, so output is flushed.
 */
export function runCliMain(name: string, command: CliCommand, argv: readonly string[] = process.argv.slice(2)): void {
  runCliCommand(name, command, argv).then(
    (code) => {
      if (code === undefined) return;
      if (code !== 0) process.exit(code);
      process.exitCode = 0;
    },
    (error: unknown) => {
      process.stderr.write(`meterflow ${name}: ${describeError(error)}\n`);
      process.exit(1);
    },
  );
}
