/**
 * The `meterflow` command: every entry of cli/commands.ts resolves to a command with help in the
 * common layout; unknown commands and flags exit 2 naming them; the real bin answers as a child
 * process; completion comes from the same table.
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { formatHelp } from '../../../core/cli-command';
import { commands } from '../../../cli/commands';
import { bashCompletion, dispatch, missingNodeFlags, resolveCommand } from '../../../cli/dispatch';

const root = path.resolve(__dirname, '../../..');

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) } }, out: () => out.join(''), err: () => err.join('') };
}

function runBin(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(root, 'bin/meterflow.js'), ...args], { cwd: root, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number((error as { code?: number }).code) : 0, stdout, stderr });
    });
  });
}

describe('cli/commands.ts', () => {
  it('lists every command the npm scripts had, once, and the groups tariff and bench', () => {
    const names = commands.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    for (const name of ['bridge', 'sink', 'processors', 'graphql', 'stack', 'simulate', 'demo', 'chaos', 'load', 'import', 'lifecycle', 'gdpr', 'tariff lcl', 'tariff urdb', 'dashboards', 'bench ingest', 'bench bridge', 'bench processors', 'bench graphql', 'bench history']) {
      expect(names).toContain(name);
    }
  });

  it.each(commands.map((c) => [c.name, c] as const))('%s loads, its summary is the table\'s, and its help has the common layout', (name, entry) => {
    const command = entry.load();
    expect(command.help.summary).toBe(entry.summary);
    const help = formatHelp(name, command.help);
    const lines = help.split('\n');
    expect(lines[0]).toMatch(new RegExp(`^Usage: meterflow ${name}( |$)`));
    expect(lines[2]).toBe(entry.summary);
    // The sections, in this order.
    const at = ['\nFlags:\n', '\nEnvironment:\n', '\nExamples:\n'].map((s) => help.indexOf(s));
    expect(at.every((i) => i > 0)).toBe(true);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
    expect(help).toContain('  --help ');
    expect(help).toContain('docs/configuration.md');
    const examples = help.slice(help.indexOf('\nExamples:\n') + 11).split('\n\n')[0]!.trimEnd().split('\n');
    expect(examples.length).toBeGreaterThan(0);
    for (const e of examples) expect(e).toMatch(/^ {2}\S/);
    expect(examples.some((e) => e.includes(`meterflow ${name}`))).toBe(true);
    // Every declared flag has its row.
    for (const f of command.help.flags ?? []) expect(help).toContain(`  --${f.name}`);
  });
});

describe('dispatch', () => {
  it('resolves one-word and two-word names, and the npm scripts\' tariff:lcl spelling', () => {
    expect(resolveCommand(['bridge', '--x'])).toMatchObject({ entry: { name: 'bridge' }, rest: ['--x'] });
    expect(resolveCommand(['tariff', 'lcl', 'a.csv'])).toMatchObject({ entry: { name: 'tariff lcl' }, rest: ['a.csv'] });
    expect(resolveCommand(['tariff:urdb', 'u.json'])).toMatchObject({ entry: { name: 'tariff urdb' }, rest: ['u.json'] });
    expect(resolveCommand(['bench', 'processors'])).toMatchObject({ entry: { name: 'bench processors' }, rest: [] });
    expect(resolveCommand(['nope'])).toBeUndefined();
    expect(resolveCommand(['tariff'])).toBeUndefined();
  });

  it('meterflow --help lists every command with its summary on one line; no command at all is bad usage', async () => {
    const t = capture();
    expect(await dispatch(['--help'], t.io)).toBe(0);
    for (const c of commands) expect(t.out()).toMatch(new RegExp(`\\n  ${c.name} +${c.summary.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\n`));
    const none = capture();
    expect(await dispatch([], none.io)).toBe(2);
    expect(none.out()).toContain('Usage: meterflow <command>');
  });

  it('an unknown command exits 2 naming it and pointing to --help; an unknown member of a group lists the members', async () => {
    const t = capture();
    expect(await dispatch(['nope', '--help'], t.io)).toBe(2);
    expect(t.err()).toBe('meterflow: unknown command "nope" (see meterflow --help)\n');
    const g = capture();
    expect(await dispatch(['bench', 'disk'], g.io)).toBe(2);
    expect(g.err()).toBe('meterflow: unknown command "bench disk"; one of bench ingest, bench bridge, bench processors, bench graphql, bench history (see meterflow bench --help)\n');
    const h = capture();
    expect(await dispatch(['tariff', '--help'], h.io)).toBe(0);
    expect(h.out()).toContain('  tariff lcl ');
  });

  it('an unknown or malformed flag exits 2 before the command starts, naming the flag', async () => {
    const cases: [string[], string][] = [
      [['bridge', '--nope'], 'meterflow bridge: unknown flag --nope; see meterflow bridge --help\n'],
      [['graphql', 'extra'], 'meterflow graphql: unexpected argument "extra"; see meterflow graphql --help\n'],
      [['simulate', '--meters', 'many'], 'meterflow simulate: --meters must be a non-negative integer; got "many"; see meterflow simulate --help\n'],
      [['simulate', '--profile', 'gas'], 'meterflow simulate: --profile must be one of water, electricity, mixed, temperature; got "gas"; see meterflow simulate --help\n'],
      [['import', '--rate'], 'meterflow import: --rate needs a value; see meterflow import --help\n'],
      [['bench', 'history', '--file'], 'meterflow bench history: --file needs a value; see meterflow bench history --help\n'],
    ];
    for (const [argv, message] of cases) {
      const t = capture();
      expect({ argv, code: await dispatch(argv, t.io), err: t.err() }).toEqual({ argv, code: 2, err: message });
    }
  });

  it('--help anywhere before -- prints the command\'s help and runs nothing', async () => {
    const t = capture();
    expect(await dispatch(['import', '--preset', 'daiad', '--help'], t.io)).toBe(0);
    expect(t.out()).toBe(formatHelp('import', commands.find((c) => c.name === 'import')!.load().help));
  });

  it('the processors need their node flag: missing from the process, meterflow re-runs itself with it', () => {
    expect(missingNodeFlags(['processors'], [])).toEqual(['--max-semi-space-size=32']);
    expect(missingNodeFlags(['processors'], ['--max-semi-space-size=32', '--import', 'tsx'])).toEqual([]);
    expect(missingNodeFlags(['processors', '--help'], [])).toEqual([]);
    expect(missingNodeFlags(['bridge'], [])).toEqual([]);
  });

  it('the bash completion offers the table\'s commands and each group\'s members', () => {
    const script = bashCompletion();
    expect(script).toContain('words="bridge sink processors graphql stack demo simulate import lifecycle gdpr backup tariff dashboards load chaos bench completion --help"');
    expect(script).toContain('tariff) words="lcl urdb" ;;');
    expect(script).toContain('bench) words="ingest bridge processors graphql history" ;;');
    expect(script).toContain('complete -o default -F _meterflow meterflow');
  });
});

describe('bin/meterflow.js, the real command (child processes)', () => {
  it('meterflow --help exits 0 listing the commands', async () => {
    const r = await runBin(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: meterflow <command> \[flags\]\n/);
    expect(r.stdout).toContain('\n  bridge ');
    expect(r.stdout).toContain('\n  bench processors ');
  }, 60_000);

  it('meterflow bridge --help exits 0 with the bridge\'s help; meterflow nope exits 2 naming it', async () => {
    const [help, nope, flag] = await Promise.all([runBin(['bridge', '--help']), runBin(['nope']), runBin(['sink', '--batch=5'])]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: meterflow bridge\n\nMQTT \(devices\) -> Kafka bridge/);
    expect(nope).toEqual({ code: 2, stdout: '', stderr: 'meterflow: unknown command "nope" (see meterflow --help)\n' });
    expect(flag).toEqual({ code: 2, stdout: '', stderr: 'meterflow sink: unknown flag --batch; see meterflow sink --help\n' });
  }, 60_000);

  it('bash -n accepts the completion script', async () => {
    const r = await runBin(['completion', 'bash']);
    expect(r.code).toBe(0);
    const check = await new Promise<number>((resolve) => {
      const child = execFile('bash', ['-n'], (error) => resolve(error ? 1 : 0));
      child.stdin!.end(r.stdout);
    });
    expect(check).toBe(0);
  }, 60_000);
});
