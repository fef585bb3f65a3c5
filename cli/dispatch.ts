import { spawn } from 'node:child_process';
import { formatHelp, runCliCommand, type CommandHelp, type CommandIo } from '../core/cli-command';
import { commands, type CommandEntry } from './commands';

/** Groups of two-word commands (`tariff lcl`, `bench ingest`) and their members. */
const groups = new Map<string, CommandEntry[]>();
for (const c of commands) {
  const [head, tail] = c.name.split(' ');
  if (tail !== undefined) groups.set(head!, [...(groups.get(head!) ?? []), c]);
}

const builtins: readonly (readonly [string, string])[] = [['completion bash', 'print a bash completion script: source <(meterflow completion bash)']];

const topHelp: CommandHelp = {
  summary: 'Stream-processing analytics for smart utility meters: MQTT -> Kafka -> processors -> QuestDB -> GraphQL.',
  usage: '[flags]',
  description: 'One command for every service and tool; `meterflow <command> --help` describes each. npm scripts\n(`npm run bridge`, `npm run bench:ingest -- …`) are aliases. See docs/commands.md.',
  commands: [...commands.map((c) => [c.name, c.summary] as const), ...builtins],
  environment: 'each command reads its MF_* variables; none is needed for a local run.',
  examples: ['meterflow demo', 'meterflow stack up', 'meterflow import --preset daiad data.csv.gz', 'meterflow bench processors --help'],
};

function groupHelp(group: string, members: readonly CommandEntry[]): string {
  return formatHelp(`${group} <command>`, {
    summary: `${group} commands.`,
    usage: '[flags]',
    description: `One of: ${members.map((m) => m.name).join(', ')}.`,
    commands: members.map((m) => [m.name, m.summary] as const),
    environment: 'see each command.',
    examples: members.map((m) => `meterflow ${m.name} --help`),
  });
}

/** `tariff lcl`, `tariff:lcl` (the npm script's spelling) and `bridge` → the entry and the rest of the line. */
export function resolveCommand(argv: readonly string[]): { entry: CommandEntry; rest: string[] } | undefined {
  const [first = '', second] = argv;
  const spaced = first.replace(':', ' ');
  const two = commands.find((c) => c.name === `${first} ${second}`);
  if (two) return { entry: two, rest: argv.slice(2) };
  const one = commands.find((c) => c.name === spaced);
  return one ? { entry: one, rest: argv.slice(1) } : undefined;
}

export function bashCompletion(): string {
  const top = [...new Set(commands.map((c) => c.name.split(' ')[0]!)), 'completion', '--help'];
  const cases = [...groups].map(([g, members]) => `    ${g}) words="${members.map((m) => m.name.split(' ')[1]).join(' ')}" ;;`);
  return `# meterflow bash completion: source <(meterflow completion bash)
_meterflow() {
  local cur=\${COMP_WORDS[COMP_CWORD]} words="--help"
  if [ "$COMP_CWORD" -eq 1 ]; then
    words="${top.join(' ')}"
  elif [ "$COMP_CWORD" -eq 2 ]; then
    case "\${COMP_WORDS[1]}" in
${cases.join('\n')}
    completion) words="bash" ;;
    esac
  fi
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -o default -F _meterflow meterflow
`;
}

/**
 * Runs `meterflow <argv…>` in this process: the exit status, or undefined while a service keeps
 * running. Unknown commands exit 2 naming the command, with a pointer to --help.
 */
export async function dispatch(argv: readonly string[], io: CommandIo = process): Promise<number | undefined> {
  const [first] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    io.stdout.write(formatHelp('<command>', topHelp));
    return first === undefined ? 2 : 0;
  }
  if (first === 'completion') {
    if (argv[1] !== 'bash') {
      io.stderr.write(`meterflow completion: which shell? only bash ("meterflow completion bash")\n`);
      return 2;
    }
    io.stdout.write(bashCompletion());
    return 0;
  }
  const found = resolveCommand(argv);
  if (!found) {
    const members = groups.get(first);
    if (members) {
      const wanted = argv[1];
      if (wanted === undefined || wanted === '--help' || wanted === '-h') {
        io.stdout.write(groupHelp(first, members));
        return wanted === undefined ? 2 : 0;
      }
      io.stderr.write(`meterflow: unknown command "${first} ${wanted}"; one of ${members.map((m) => m.name).join(', ')} (see meterflow ${first} --help)\n`);
      return 2;
    }
    io.stderr.write(`meterflow: unknown command "${first}" (see meterflow --help)\n`);
    return 2;
  }
  return runCliCommand(found.entry.name, found.entry.load(), found.rest, io);
}

/** The node flags of the command this line runs that this process lacks (none for --help). */
export function missingNodeFlags(argv: readonly string[], execArgv: readonly string[]): string[] {
  const found = resolveCommand(argv);
  if (!found?.entry.nodeFlags || found.rest.includes('--help') || found.rest.includes('-h')) return [];
  return found.entry.nodeFlags.filter((f) => !execArgv.includes(f));
}

/**
 * The process: a command whose process needs node flags (the processors' young generation) is run
 * in a child node with them, signals passed on and its exit status returned, so
 * `meterflow processors` is the same process everywhere; npm scripts pass the flags themselves.
 */
export function runMeterflow(argv: readonly string[] = process.argv.slice(2)): void {
  const flags = missingNodeFlags(argv, process.execArgv);
  if (flags.length > 0) {
    const child = spawn(process.execPath, [...flags, ...process.execArgv, process.argv[1]!, ...argv], { stdio: 'inherit' });
    for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => child.kill(signal));
    child.on('exit', (code, signal) => process.exit(code ?? (signal ? 128 + (({ SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 } as Record<string, number>)[signal] ?? 0) : 1)));
    return;
  }
  dispatch(argv).then(
    (code) => {
      if (code === undefined) return;
      if (code !== 0) process.exit(code);
      process.exitCode = 0;
    },
    (error: unknown) => {
      process.stderr.write(`meterflow: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
