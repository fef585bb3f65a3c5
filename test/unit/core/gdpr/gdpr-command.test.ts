import { gdprMain } from '../../../../core/gdpr/gdpr-command';

// Usage errors are found before anything connects, so these need no server.
async function run(argv: string[]) {
  let out = '';
  let err = '';
  const status = await gdprMain(argv, { out: (t) => (out += t), err: (t) => (err += t) }, {});
  return { status, out, err };
}

describe('npm run gdpr', () => {
  it('prints its usage with --help and exits 0', async () => {
    const r = await run(['export', '--help']);
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/^Usage: npm run gdpr -- export --customer ID --out FILE\.tar\.gz/);
    expect(r.out).toContain('--confirm');
  });

  it('refuses bad usage with exit 2 and a message naming the problem', async () => {
    expect(await run([])).toMatchObject({ status: 2 });
    expect(await run(['delete', '--customer', 'c1'])).toMatchObject({ status: 2, err: expect.stringContaining('unknown action "delete"') });
    expect(await run(['export', '--out', 'x.tar.gz'])).toMatchObject({ status: 2, err: expect.stringContaining('--customer is required') });
    expect(await run(['export', '--customer', 'c1'])).toMatchObject({ status: 2, err: expect.stringContaining('--out is required') });
    expect(await run(['erase', '--customer', 'c1', '--confirm', 'c2'])).toMatchObject({ status: 2, err: expect.stringContaining('--confirm must repeat') });
    expect(await run(['erase', '--customer', 'c1', '--bogus'])).toMatchObject({ status: 2, err: expect.stringContaining('unknown flag --bogus') });
  });
});
