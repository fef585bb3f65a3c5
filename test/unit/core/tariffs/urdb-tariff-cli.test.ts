import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runUrdbTariffCli } from '../../../../core/tariffs/urdb-tariff-cli';

const fixture = join(__dirname, '../../../fixtures/billing/urdb-residential-tou.json');
const periodNames = 'off-peak,summer-peak,winter-peak';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
  requests: { url: string; init: RequestInit }[];
}

/** Runs the command in process with captured output, a fake HTTP client and an empty environment. */
async function run(argv: string[], answer?: (request: { url: string; init: RequestInit }) => Response | Promise<Response>, env: Record<string, string> = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const requests: Run['requests'] = [];
  const fakeFetch = (async (url: string | URL | Request, init?: RequestInit) => {
    const request = { url: String(url), init: init ?? {} };
    requests.push(request);
    if (!answer) throw new Error('no request expected');
    return answer(request);
  }) as typeof fetch;
  const code = await runUrdbTariffCli(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    fetch: fakeFetch,
    env,
  });
  return { code, stdout, stderr, requests };
}

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/graphql-response+json' } });

describe('npm run tariff:urdb', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'urdb-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--help lists the flags and exits 0', async () => {
    const { code, stdout, requests } = await run(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: meterflow tariff urdb \[flags\] <urdb\.json>/);
    for (const flag of ['--id', '--period-names', '--out', '--publish', '--effective-from', '--note', '--graphql-url', '--api-key', '--help']) expect(stdout).toContain(`  ${flag} `);
    expect(requests).toEqual([]);
  });

  it('converts the fixture: rates are rate + adj, tiers, schedules, fixed charge; warnings on stderr', async () => {
    const { code, stdout, stderr, requests } = await run(['--id', 'ex-rs-tou', '--period-names', periodNames, fixture]);
    expect(code).toBe(0);
    expect(requests).toEqual([]);
    const tariff = JSON.parse(stdout);
    // From the fixture by hand: fixedchargefirstmeter 12.5 $/month; energyratestructure
    // [0][0] = 0.0892 + adj 0.0051 = 0.0943; [1][0] = 0.2431 + 0.0051 = 0.2482;
    // [2][0] = max 500, 0.112 + 0.0051 = 0.1171; [2][1] = 0.141 + 0.0051 = 0.1461.
    expect(tariff).toEqual({
      id: 'ex-rs-tou',
      name: 'Example Electric Co: Residential Time-of-Use (RS-TOU)',
      currency: 'USD',
      unit: 'kWh',
      fixedCharge: 12.5,
      tierReferenceDays: null,
      tou: {
        periods: [
          { name: 'off-peak', blocks: [{ upTo: null, rate: 0.0943 }] },
          { name: 'summer-peak', blocks: [{ upTo: null, rate: 0.2482 }] },
          { name: 'winter-peak', blocks: [{ upTo: 500, rate: 0.1171 }, { upTo: null, rate: 0.1461 }] },
        ],
        weekdaySchedule: expect.any(Array),
        weekendSchedule: expect.any(Array),
      },
    });
    // July weekdays: summer on-peak 14:00-18:59; January weekdays: winter on-peak 17:00-20:59; weekends off-peak.
    expect(tariff.tou.weekdaySchedule[6].join('')).toBe('000000000000001111100000');
    expect(tariff.tou.weekdaySchedule[0].join('')).toBe('000000000000000002222000');
    expect(tariff.tou.weekendSchedule[6].join('')).toBe('0'.repeat(24));
    expect(stderr.split('\n').filter(Boolean)).toEqual([
      `tariff:urdb: ${fixture}: not applied: TOU demand charges (demandratestructure)`,
      `tariff:urdb: ${fixture}: not applied: minimum charge (mincharge)`,
    ]);
  });

  it('takes the URDB label as id by default, and writes --out instead of stdout', async () => {
    const out = join(dir, 'tariff.json');
    const { code, stdout } = await run(['--out', out, fixture]);
    expect(code).toBe(0);
    expect(stdout).toBe('');
    const tariff = JSON.parse(readFileSync(out, 'utf8'));
    expect(tariff.id).toBe('65a1f0c2e3b4d5a6b7c8d9e0');
    expect(tariff.tou.periods.map((p: { name: string }) => p.name)).toEqual(['p0', 'p1', 'p2']);
  });

  it('exits 1 naming the file when it is not JSON, and naming the URDB field when it is not a URDB tariff', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ "label": "x", ');
    const notJson = await run([bad]);
    expect(notJson.code).toBe(1);
    expect(notJson.stdout).toBe('');
    expect(notJson.stderr).toMatch(new RegExp(`^tariff:urdb: ${bad.replace(/[.]/g, '\\.')}: not JSON \\(`));

    const item = (JSON.parse(readFileSync(fixture, 'utf8')) as { items: Record<string, unknown>[] }).items[0]!;
    const invalid = join(dir, 'invalid.json');
    writeFileSync(invalid, JSON.stringify({ ...item, fixedchargeunits: '$/day' }));
    const notUrdb = await run([invalid]);
    expect(notUrdb.code).toBe(1);
    expect(notUrdb.stderr).toContain(`tariff:urdb: ${invalid}: urdb.fixedchargeunits: "$/day" is not supported (only $/month)`);

    const missing = await run([join(dir, 'nope.json')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nope.json: cannot read it (ENOENT)');

    const names = await run(['--period-names', 'a,b', fixture]);
    expect(names.code).toBe(1);
    expect(names.stderr).toContain('--period-names gives 2 names for the 3 periods of urdb.energyratestructure');
  });

  it('exits 2 on bad usage, without a request', async () => {
    const cases: [string[], RegExp][] = [
      [['--publish', '--api-key', 'k', fixture], /--publish needs --effective-from/],
      [['--publish', '--api-key', 'k', '--effective-from', '2026-02-30', fixture], /--effective-from: "2026-02-30" is not a YYYY-MM-DD calendar date/],
      [['--publish', '--effective-from', '2026-01-01', fixture], /needs an admin API key: --api-key or MF_GRAPHQL_API_KEY/],
      [['--publish', '--api-key', 'k', '--effective-from', '2026-01-01', '--graphql-url', 'ftp://x/graphql', fixture], /is not an http\(s\) URL/],
      [['--effective-from', '2026-01-01', fixture], /--effective-from applies only with --publish/],
      [['--nope', fixture], /unknown flag --nope/],
      [[], /name exactly one URDB JSON file/],
      [[fixture, fixture], /got 2/],
    ];
    for (const [argv, message] of cases) {
      const result = await run(argv);
      expect({ argv, code: result.code }).toEqual({ argv, code: 2 });
      expect(result.stderr).toMatch(message);
      expect(result.requests).toEqual([]);
    }
  });

  it('--publish: a GraphQL error exits 1 printing its field', async () => {
    const message = 'tariff.currency: a version keeps the tariff\'s currency (BRL); got USD';
    const result = await run(['--publish', '--effective-from', '2026-01-01', '--api-key', 'k', fixture], () =>
      json({ errors: [{ message, extensions: { code: 'BAD_USER_INPUT', field: 'tariff.currency' } }], data: null }),
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('error: tariff.currency: a version keeps the tariff\'s currency (BRL); got USD\n');
    expect(result.requests).toHaveLength(1);
  });

  it('--publish: HTTP and network failures exit 1 with a clear message', async () => {
    const argv = ['--publish', '--effective-from', '2026-01-01', '--api-key', 'k', '--graphql-url', 'http://api.example:4000/graphql', fixture];
    const down = await run(argv, () => Promise.reject(Object.assign(new TypeError('fetch failed'), { cause: new Error('connect ECONNREFUSED 127.0.0.1:4000') })));
    expect(down.code).toBe(1);
    expect(down.stderr).toContain('tariff:urdb: cannot reach the GraphQL API at http://api.example:4000/graphql: fetch failed (connect ECONNREFUSED 127.0.0.1:4000)');
    const gateway = await run(argv, () => new Response('<html>bad gateway</html>', { status: 502, statusText: 'Bad Gateway' }));
    expect(gateway.code).toBe(1);
    expect(gateway.stderr).toContain('tariff:urdb: the GraphQL API at http://api.example:4000/graphql answered HTTP 502 Bad Gateway: <html>bad gateway</html>');
    const unauthenticated = await run(argv, () => json({ errors: [{ message: 'invalid API key', extensions: { code: 'UNAUTHENTICATED' } }] }, 401));
    expect(unauthenticated.code).toBe(1);
    expect(unauthenticated.stderr).toContain('error: invalid API key (UNAUTHENTICATED)');
  });

  it('--publish: sends publishTariff with the tariff and effectiveFrom as variables, prints the versions, exits 0', async () => {
    const answer = { data: { publishTariff: { id: 'ex-rs-tou', source: 'API', versions: [{ version: 1, effectiveFrom: '2026-01-01' }, { version: 2, effectiveFrom: '2026-06-01' }] } } };
    const result = await run(
      ['--id', 'ex-rs-tou', '--period-names', periodNames, '--publish', '--effective-from', '2026-06-01', '--note', 'URDB 2026 rates', fixture],
      () => json(answer),
      { MF_GRAPHQL_URL: 'http://graphql.internal:4000/graphql', MF_GRAPHQL_API_KEY: 'admin-key-from-env' },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('tariff ex-rs-tou (source API), versions:\n  version 1 effective from 2026-01-01\n  version 2 effective from 2026-06-01\n');
    expect(result.requests).toHaveLength(1);
    const { url, init } = result.requests[0]!;
    expect(url).toBe('http://graphql.internal:4000/graphql');
    expect(init.method).toBe('POST');
    expect(init.headers).toMatchObject({ 'content-type': 'application/json', authorization: 'ApiKey admin-key-from-env' });
    const body = JSON.parse(init.body as string) as { query: string; variables: { tariff: Record<string, unknown>; effectiveFrom: string; note: string } };
    expect(body.query).toMatch(/mutation PublishTariff\(\$tariff: JSONObject!, \$effectiveFrom: String!, \$note: String\)/);
    expect(body.query).toContain('publishTariff(tariff: $tariff, effectiveFrom: $effectiveFrom, note: $note)');
    // The tariff travels only as a variable, never inline in the document.
    expect(body.query).not.toContain('0.0943');
    expect(body.variables.effectiveFrom).toBe('2026-06-01');
    expect(body.variables.note).toBe('URDB 2026 rates');
    expect(body.variables.tariff).toMatchObject({ id: 'ex-rs-tou', currency: 'USD', unit: 'kWh', fixedCharge: 12.5 });
    expect((body.variables.tariff.tou as { periods: unknown[] }).periods[2]).toEqual({ name: 'winter-peak', blocks: [{ upTo: 500, rate: 0.1171 }, { upTo: null, rate: 0.1461 }] });
    // The same tariff as the conversion prints.
    const converted = await run(['--id', 'ex-rs-tou', '--period-names', periodNames, fixture]);
    expect(body.variables.tariff).toEqual(JSON.parse(converted.stdout));
  });

  it('--graphql-url and --api-key take precedence over the environment; the default URL is the local API', async () => {
    const answer = () => json({ data: { publishTariff: { id: 'x', source: 'API', versions: [{ version: 1, effectiveFrom: '2026-01-01' }] } } });
    const flags = await run(['--publish', '--effective-from', '2026-01-01', '--graphql-url', 'https://api.example/graphql', '--api-key', 'flag-key', fixture], answer, { MF_GRAPHQL_URL: 'http://env/graphql', MF_GRAPHQL_API_KEY: 'env-key' });
    expect(flags.requests[0]!.url).toBe('https://api.example/graphql');
    expect(flags.requests[0]!.init.headers).toMatchObject({ authorization: 'ApiKey flag-key' });
    const defaults = await run(['--publish', '--effective-from', '2026-01-01', fixture], answer, { MF_GRAPHQL_API_KEY: 'env-key' });
    expect(defaults.code).toBe(0);
    expect(defaults.requests[0]!.url).toBe('http://127.0.0.1:4000/graphql');
    expect(JSON.parse(defaults.requests[0]!.init.body as string).variables.note).toBeNull();
  });
});
