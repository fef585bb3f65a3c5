import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { Kind, parse, print, validate, type DefinitionNode, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { demoHomeMeter } from '../../deploy/demo-customer-story';
import { demoRecommendationsQuery, demoSampleQueries, demoSampleSql } from '../../deploy/demo-queries';
import { createMeterflowSchema } from '../../graphql/schema';
import { docCodeBlocks, repositoryRoot, shellLanguages, type DocCodeBlock } from './support/doc-code-blocks';
import { startTestGraphql, type GraphqlHarness } from './support/graphql-harness';
import { subscribeSse } from './support/sse-subscription';
import { createTestPipeline, walApplied, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';

// Every GraphQL example of README.md and docs/*.md (read now, so new pages count) and every query
// the demo prints runs against the real server on the test stack with the admin key: parsed,
// validated against the server's schema, executed, no errors. A block of several operations runs
// one operation at a time, as a reader pastes them. The info-string convention is
// docs/development.md § Examples in the docs; a block that breaks it fails here.
//
// The docs use readable ids; this run registers meters under its own prefix and rewrites them
// (`"sim-w-0001"` -> `"<run>-sim-w-0001"`), so the examples stay copyable and runs never collide:
//
//   doc id / variable            what the test gives it
//   "sim-w-0001", "m-0042",      a meter of this run (America/Sao_Paulo; electricity for
//   "m-1", "m-1042", "MAC003718", sim-e-0002 and MAC003718, else water) with an hour of readings
//   "sim-e-0002", "demo-home"
//   "c-1042"                     the customer owning those meters; in a block that erases a
//                                customer, another one (with a meter of its own), so the erasure
//                                leaves the other examples their data
//   "m-1042/2026-01-01"          an open BRL invoice of meter m-1042 (for startPayment)
//   every variable ($meterId, $id) "<run>-sim-w-0001" (a new kind of variable: extend this)
//   idempotencyKey: "k"          "<run>-k" (keys outlive a run)
//
// Shell blocks (sh, bash, shell, console) run with bash -e from the repository root, after:
//   localhost:4000               this test's GraphQL server (host:port)
//   meterflow-dev-admin-key      this run's admin key (-analyst-key, -customer-key likewise)
//   sim-w-0001, m-0042, …        the run's meters, as above (also inside JSON strings)
const docMeters = ['sim-w-0001', 'sim-e-0002', 'm-0042', 'm-1', 'm-1042', 'MAC003718', demoHomeMeter];
const docCustomer = 'c-1042';
const docInvoice = 'm-1042/2026-01-01';

/** Runs a script with bash -e from the repository root, asynchronously: the server under test shares this process. */
async function runShell(script: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)('bash', ['-e', '-o', 'pipefail', '-c', script], { cwd: repositoryRoot, timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string; message: string };
    return { code: typeof failed.code === 'number' ? failed.code : -1, stdout: failed.stdout ?? '', stderr: failed.stderr || failed.message };
  }
}

describe('examples in README.md and docs/*.md, and the queries the demo prints', () => {
  let pipeline: TestPipeline;
  let graphql: GraphqlHarness;
  let run: string;
  const schema = createMeterflowSchema();
  const blocks = docCodeBlocks();
  const graphqlBlocks = blocks.filter((b) => b.language === 'graphql');
  const runnable = graphqlBlocks.filter((b) => b.kind === null && b.noRun === null);
  const shellBlocks = blocks.filter((b) => shellLanguages.has(b.language) && b.noRun === null);

  /** A doc's readable ids, as this run's ids. */
  const localise = (text: string) => {
    const customer = /eraseCustomerData/.test(text) ? erasedCustomer() : `${run}-${docCustomer}`;
    let out = text.split(`"${docInvoice}"`).join(`"${run}-${docInvoice}"`).split(`"${docCustomer}"`).join(`"${customer}"`);
    for (const id of docMeters) out = out.split(`"${id}"`).join(`"${run}-${id}"`);
    // Idempotency keys live as long as the stack: another run's "ops-2026-11-23-001" is a conflict.
    return out.replace(/idempotencyKey: "([^"]*)"/g, `idempotencyKey: "${run}-$1"`);
  };
  /** A shell example, pointed at this test's server, keys and meters. */
  const localiseShell = (text: string) => {
    let out = text
      .replace(/\b(localhost|127\.0\.0\.1):4000\b/g, new URL(graphql.url).host)
      .split('meterflow-dev-admin-key').join(graphql.keys.admin)
      .split('meterflow-dev-analyst-key').join(graphql.keys.analyst)
      .split('meterflow-dev-customer-key').join(graphql.keys.customer1);
    for (const id of docMeters) out = out.replace(new RegExp(`(?<![\\w-])${id}(?![\\w-])`, 'g'), `${run}-${id}`);
    return out;
  };
  const erasedCustomer = () => `${run}-erased-${docCustomer}`;
  const variablesFor = (operation: OperationDefinitionNode) => Object.fromEntries((operation.variableDefinitions ?? []).map((v) => [v.variable.name.value, `${run}-sim-w-0001`]));

  /** One document per operation (with every fragment of the block), as a reader runs them. */
  const operationsOf = (document: DocumentNode): { operation: OperationDefinitionNode; text: string }[] => {
    const fragments: DefinitionNode[] = document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
    return document.definitions
      .filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)
      .map((operation) => ({ operation, text: print({ kind: Kind.DOCUMENT, definitions: [operation, ...fragments] }) }));
  };

  const execute = async (where: string, text: string) => {
    const document = parse(text);
    for (const { operation, text: one } of operationsOf(document)) {
      const problems = validate(schema, parse(one)).map((e) => e.message);
      expect({ where, problems }).toEqual({ where, problems: [] });
      const variables = variablesFor(operation);
      if (operation.operation === 'subscription') {
        // The stream opens (SSE, 200) and stays open without an error for a second.
        const sub = await subscribeSse(graphql.url, graphql.keys.admin, one, variables);
        try {
          await new Promise((resolve) => setTimeout(resolve, 1_000));
          expect({ where, status: sub.status, errors: sub.results.flatMap((r) => r.errors ?? []), completed: sub.completed }).toEqual({ where, status: 200, errors: [], completed: false });
        } finally {
          sub.close();
        }
      } else {
        const answer = await graphql.request(one, variables, graphql.keys.admin);
        expect({ where, status: answer.status, errors: answer.errors ?? [] }).toEqual({ where, status: 200, errors: [] });
        expect(answer.data).toBeDefined();
      }
    }
  };

  beforeAll(async () => {
    pipeline = createTestPipeline();
    run = pipeline.runId;
    // startPayment needs a payee for the invoice's currency (BRL: PIX).
    graphql = await startTestGraphql(pipeline, { MF_PAYEE_PIX_KEY: 'pagamentos@saneamento.example', MF_PAYEE_PIX_NAME: 'SANEAMENTO TESTE', MF_PAYEE_PIX_CITY: 'SAO PAULO' });
    const now = Date.now();
    for (const id of docMeters) {
      const kind = id.startsWith('sim-e') || id === 'MAC003718' ? 'electricity' : 'water';
      const registered = await graphql.request(`mutation ($id: ID!, $input: MeterInput!) { registerMeter(meterId: $id, input: $input) { id } }`, {
        id: `${run}-${id}`,
        input: { kind, customerId: `${run}-${docCustomer}`, timeZone: 'America/Sao_Paulo' },
      });
      expect(registered.errors).toBeUndefined();
    }
    const erasable = await graphql.request(`mutation ($id: ID!, $c: ID!) { registerMeter(meterId: $id, input: { kind: water, customerId: $c, timeZone: "UTC" }) { id } }`, { id: `${run}-erasable`, c: erasedCustomer() });
    expect(erasable.errors).toBeUndefined();
    // An hour of readings, a minute apart, for every meter.
    for (const id of docMeters) {
      const water = !(id.startsWith('sim-e') || id === 'MAC003718');
      const rows = Array.from({ length: 60 }, (_, i) => {
        const ts = new Date(now - (60 - i) * 60_000).toISOString();
        return `('${ts}', '${run}-${id}', '${water ? 'water' : 'electricity'}', ${i % 5}, '${water ? 'L/min' : 'kW'}', ${1000 + i}, '${water ? 'L' : 'kWh'}')`;
      });
      await pipeline.questdb.query(`INSERT INTO readings (ts, meter_id, kind, value, value_unit, register, register_unit) VALUES ${rows.join(', ')}`);
    }
    await pipeline.questdb.query(
      `INSERT INTO invoices (ts, invoice_id, meter_id, status, revision, period_label, period_end, issued_at, due_date, currency, consumption, consumption_unit, total_cents, total)
       VALUES ('2026-01-01T00:00:00.000000Z', $1, $2, 'final', 0, '2026-01', '2026-02-01T00:00:00.000000Z', '2026-02-04T00:00:00.000000Z', '2099-01-10', 'BRL', 27.55, 'm3', 13322, '133.22')`,
      [`${run}-${docInvoice}`, `${run}-m-1042`],
    );
    for (const table of ['readings', 'invoices', 'meter_registry']) await waitFor(`${table} applied`, () => walApplied(pipeline.questdb, table), Boolean, 30_000);
  }, 120_000);

  afterAll(async () => {
    await graphql?.stop();
    await pipeline?.stopAll();
  });

  it('every fenced block of the docs has a known info string', () => {
    const wrong = blocks.filter((b) => b.problem).map((b) => `${b.file}:${b.line} \`\`\`${b.info}: ${b.problem}`);
    expect(wrong).toEqual([]);
    expect(runnable.length).toBeGreaterThan(5);
  });

  it('every json block parses', () => {
    const jsonBlocks = blocks.filter((b) => b.language === 'json' && b.noRun === null);
    expect(jsonBlocks.length).toBeGreaterThan(0);
    for (const block of jsonBlocks) expect({ where: `${block.file}:${block.line}`, type: typeof JSON.parse(block.code) }).toEqual({ where: `${block.file}:${block.line}`, type: 'object' });
  });

  it('GraphQL blocks that are not run (sdl, error-example, no-run) parse', () => {
    for (const block of graphqlBlocks.filter((b) => b.kind !== null || b.noRun !== null)) {
      const definitions = parse(block.code).definitions;
      const sdl = definitions.every((d) => d.kind !== Kind.OPERATION_DEFINITION && d.kind !== Kind.FRAGMENT_DEFINITION);
      expect({ where: `${block.file}:${block.line}`, definitions: definitions.length > 0, sdl }).toEqual({ where: `${block.file}:${block.line}`, definitions: true, sdl: block.kind === 'sdl' });
    }
  });

  it.each(runnable.map((b) => [`${b.file}:${b.line}`, b] as [string, DocCodeBlock]))('%s runs without errors', async (where, block) => {
    await execute(where, localise(block.code));
  });

  it.each(shellBlocks.map((b) => [`${b.file}:${b.line}`, b] as [string, DocCodeBlock]))('%s (shell) exits 0', async (where, block) => {
    const script = localiseShell(block.code);
    const result = await runShell(script);
    expect({ where, code: result.code, stderr: result.code === 0 ? '' : result.stderr }).toEqual({ where, code: 0, stderr: '' });
    // curl exits 0 on a GraphQL error too: an answer in JSON must carry no errors.
    const out = result.stdout.trim();
    if (out.startsWith('{')) expect({ where, errors: (JSON.parse(out) as { errors?: unknown[] }).errors ?? [] }).toEqual({ where, errors: [] });
  });

  it('every query the demo prints runs without errors', async () => {
    // The same strings the demo prints, its meter ids made this run's.
    const queries = [...demoSampleQueries({ now: Date.now() }), demoRecommendationsQuery(demoHomeMeter)].map(localise);
    expect(queries.length).toBeGreaterThan(0);
    for (const [i, query] of queries.entries()) await execute(`demo sample ${i + 1}`, query);
  });

  it('the SQL the demo suggests for the QuestDB console runs and finds this run\'s readings', async () => {
    const [latest, rollups] = demoSampleSql;
    const rows = (await pipeline.questdb.query<{ meter_id: string }>(latest.replace(/;$/, ''))).rows;
    expect(rows.filter((r) => r.meter_id.startsWith(`${run}-`)).length).toBe(docMeters.length);
    // No processors run here: the rollups are other runs' (or none), so the statement's own promise is checked.
    const recent = (await pipeline.questdb.query<{ bucket: string; ts: Date }>(rollups.replace(/;$/, ''))).rows;
    expect(recent.length).toBeLessThanOrEqual(20);
    expect(recent.filter((r) => r.bucket !== '1m')).toEqual([]);
    expect(recent.map((r) => r.ts.getTime())).toEqual(recent.map((r) => r.ts.getTime()).sort((a, b) => b - a));
  });
});
