import { runLifecycle } from '../../../../core/lifecycle/lifecycle-command';

// Usage and configuration are refused before anything connects: these runs need no server.
async function run(argv: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runLifecycle(argv, { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, env });
  return { code, stdout, stderr };
}

describe('lifecycle command line', () => {
  it('--help prints the usage with both verbs and every flag, exit 0', async () => {
    const { code, stdout } = await run(['--help']);
    expect(code).toBe(0);
    expect(stdout).toContain('Usage: npm run lifecycle -- <status|apply>');
    for (const flag of ['--json', '--dry-run', '--help']) expect(stdout).toContain(flag);
    expect((await run(['apply', '--help'])).stdout).toContain('Usage:');
  });

  it.each([
    [[], 'say status or apply'],
    [['purge'], 'say status or apply, not "purge"'],
    [['status', '--dry-run'], '--dry-run goes with apply'],
    [['status', '--all'], 'unknown flag --all'],
  ])('%j is bad usage: exit 2', async (argv, message) => {
    const { code, stderr } = await run(argv);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
  });

  it('an invalid rule is refused, naming the variable, before QuestDB or Kafka is asked: exit 2', async () => {
    const { code, stderr, stdout } = await run(['apply'], { MF_RETENTION_TABLES: 'invoices=1y' });
    expect(code).toBe(2);
    expect(stderr).toContain('MF_RETENTION_TABLES: invoices=1y is shorter than 5y');
    expect(stdout).toBe('');
  });
});
