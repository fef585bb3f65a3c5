import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { runLoadCli } from '../../../../load-tests/runner/load-cli-main';
import { parseLoadCliArgs } from '../../../../load-tests/runner/load-cli-args';
import { createVirtualClock } from '../../../../load-tests/runner/virtual-clock';

const fixtures = path.join(__dirname, 'fixtures');

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: {
      stdout: { write: (s: string) => out.push(s) },
      stderr: { write: (s: string) => err.push(s) },
      scenariosDir: fixtures,
      runOptions: { clock: createVirtualClock(), cpuUsage: () => ({ user: 0, system: 0 }) },
    },
  };
}

describe('npm run load', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'load-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--help exits 0 and lists the flags and the scenarios with their description', async () => {
    const t = io();
    expect(await runLoadCli(['--help'], t.io)).toBe(0);
    const text = t.out.join('');
    for (const flag of ['--env KEY=VALUE', '--summary-export', '--out json=FILE', '--report', '--quiet', '--help']) expect(text).toContain(flag);
    expect(text).toMatch(/trivial +fixture: instant iterations, thresholds that hold/);
    expect(text).toMatch(/Exit codes: 0 .*99/s);
  });

  it('runs a scenario by name: exit 0 when every threshold holds; writes the summary export and the JSON lines', async () => {
    const t = io();
    const summary = path.join(dir, 'summary.json');
    const samples = path.join(dir, 'out.jsonl');
    const code = await runLoadCli(['trivial', '--env', 'FIXTURE_FLAG=on', '--summary-export', summary, '--out', `json=${samples}`, '--quiet'], t.io);
    expect(t.err.join('')).not.toMatch(/load: (?!summary|samples)/);
    expect(code).toBe(0);
    expect(t.out.join('')).toContain("✓ 'count>=10' count=20");
    const exported = JSON.parse(readFileSync(summary, 'utf8')) as { metrics: Record<string, { values: Record<string, number>; thresholds?: Record<string, { ok: boolean }> }> };
    expect(exported.metrics.checks!.values.rate).toBe(1); // the --env reached the VUs
    expect(exported.metrics['fake_latency{kind:water}']!.thresholds).toEqual({ 'p(99)<100': { ok: true } });
    const first = JSON.parse(readFileSync(samples, 'utf8').split('\n').find((l) => l.includes('"Point"'))!) as { data: { time: string; tags: Record<string, string> } };
    expect(first.data.tags.bucket_ms).toBe('1000');
    expect(Number.isNaN(Date.parse(first.data.time))).toBe(false);
  });

  it('exits 99 when a threshold fails (the check fails without the --env)', async () => {
    const t = io();
    expect(await runLoadCli(['trivial', '-q'], t.io)).toBe(99);
    expect(t.out.join('')).toContain("✗ 'rate>0.99' rate=0.00%");
    const u = io();
    expect(await runLoadCli([path.join(fixtures, 'failing.ts'), '-q'], u.io)).toBe(99);
  });

  it('an invalid scenario file exits 1 naming the field', async () => {
    const t = io();
    expect(await runLoadCli(['invalid'], t.io)).toBe(1);
    expect(t.err.join('')).toContain('LOAD_TEST_INVALID: options.scenarios.steady.rate: must be a positive number');
  });

  it('usage errors exit 2', async () => {
    for (const argv of [[], ['no-such-scenario'], ['trivial', '--bogus'], ['trivial', '--out', 'csv=x'], ['trivial', '--env', 'NOEQUALS']]) {
      const t = io();
      expect(await runLoadCli(argv, t.io)).toBe(2);
      expect(t.err.join('')).toMatch(/^load: /);
    }
  });

  it('--report without a report writer warns and still exits by the thresholds', async () => {
    const t = io();
    expect(await runLoadCli(['trivial', '-e', 'FIXTURE_FLAG=on', '-q', '--report', path.join(dir, 'r.html')], t.io)).toBe(0);
    expect(t.err.join('')).toContain('--report');
    const written: string[] = [];
    const u = io();
    const code = await runLoadCli(['trivial', '-e', 'FIXTURE_FLAG=on', '-q', '--report', path.join(dir, 'r.html')], { ...u.io, writeReport: async (file) => void written.push(file) });
    expect(code).toBe(0);
    expect(written).toEqual([path.join(dir, 'r.html')]);
  });

  it('parses repeated --env and --flag=value forms', () => {
    expect(parseLoadCliArgs(['s', '--env', 'A=1', '--env=B=x=y', '--summary-export=s.json'])).toMatchObject({ scenario: 's', env: { A: '1', B: 'x=y' }, summaryExport: 's.json' });
  });
});
