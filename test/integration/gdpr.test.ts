import { execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { questdbTables } from '../../core/contracts';
import { ensureTables } from '../../core/questdb/questdb-sql';
import { startTestGraphql, type GraphqlHarness } from './support/graphql-harness';
import { createTestPipeline, walApplied, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';

// Customers A and B (the run's c1 and c2) on the shared stack: meter mA is A's, mB is B's, and mX
// moved from A to B on 16 June 2017 (changeMeterOwner), so A's data of mX is what lies before
// that day. Rows are written with SQL INSERTs into the real tables (the processors' outputs are
// tested elsewhere); erasure is UPDATE WHERE meter_id/ts/customer_id, so only this run's rows
// change. The oracles are SQL written here by hand from those windows, not the code's selection.
const key = 'test-gdpr-pseudonym-key-0123456789';

describe('GDPR export and erasure of a customer (real stack)', () => {
  let pipeline: TestPipeline;
  let graphql: GraphqlHarness;
  let A: string;
  let B: string;
  let mA: string;
  let mB: string;
  let mX: string;
  const dir = mkdtempSync(join(tmpdir(), 'meterflow-gdpr-'));
  const q = async <T = Record<string, unknown>>(sql: string, params: unknown[] = []) => (await pipeline.questdb.query<T & Record<string, unknown>>(sql, params)).rows;
  const json = (rows: Record<string, unknown>[]) => rows.map((r) => JSON.stringify(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : v])))).sort();
  const allApplied = async () => {
    for (const t of Object.values(questdbTables)) if (!(await walApplied(pipeline.questdb, t.name))) return false;
    return true;
  };

  // Each table's rows of A, and of B, by hand: A has mA always and mX before 16 June; B has mB and mX from 16 June.
  const oracle = (who: 'A' | 'B'): Record<string, [string, unknown[]]> => {
    const c = who === 'A' ? A : B;
    const meters = who === 'A' ? `(meter_id = '${mA}' OR (meter_id = '${mX}' AND ts < '2017-06-16'))` : `(meter_id = '${mB}' OR (meter_id = '${mX}' AND ts >= '2017-06-16'))`;
    const invoices = `(SELECT invoice_id FROM invoices WHERE customer_id = '${c}')`;
    return {
      readings: [`SELECT * FROM readings WHERE ${meters}`, []],
      edge_stats: [`SELECT * FROM edge_stats WHERE ${meters}`, []],
      rolling_averages: [`SELECT * FROM rolling_averages WHERE ${meters}`, []],
      alerts: [`SELECT * FROM alerts WHERE ${meters}`, []],
      commands: [`SELECT * FROM commands WHERE ${meters}`, []],
      command_events: [`SELECT * FROM command_events WHERE ${meters}`, []],
      invoices: [`SELECT * FROM invoices WHERE customer_id = $1`, [c]],
      invoice_lines: [`SELECT * FROM invoice_lines WHERE invoice_id IN ${invoices}`, []],
      payments: [`SELECT * FROM payments WHERE invoice_id IN ${invoices}`, []],
      payment_intents: [`SELECT * FROM payment_intents WHERE customer_id = $1`, [c]],
      meter_registry: [`SELECT * FROM meter_registry WHERE customer_id = $1`, [c]],
      meter_owners: [`SELECT * FROM meter_owners WHERE customer_id = $1 OR previous_customer_id = $1`, [c]],
      audit_log: [`SELECT * FROM audit_log WHERE target = $1 OR args LIKE $2 OR result LIKE $2`, [c, `%"${c}"%`]],
      processor_state: [`SELECT * FROM processor_state WHERE state LIKE $1`, [`%"${c}"%`]],
    };
  };
  const snapshot = async (who: 'A' | 'B') => {
    const out: Record<string, string[]> = {};
    for (const [table, [sql, params]] of Object.entries(oracle(who))) out[table] = json(await q(`${sql} ORDER BY ts`, params));
    return out;
  };

  beforeAll(async () => {
    pipeline = createTestPipeline();
    await ensureTables(pipeline.questdb, Object.values(questdbTables));
    graphql = await startTestGraphql(pipeline, { MF_GDPR_PSEUDONYM_KEY: key, MF_BILLING_TIME_ZONE: 'UTC' });
    ({ c1: A, c2: B } = graphql.customerIds);
    [mA, mB, mX] = ['a', 'b', 'x'].map((s) => `${pipeline.runId}-m${s}`) as [string, string, string];
    for (const [m, c] of [[mA, A], [mB, B], [mX, A]]) {
      const r = await graphql.request(`mutation ($m: ID!, $c: ID!) { registerMeter(meterId: $m, input: { kind: water, customerId: $c, label: "Flat of ${c}" }) { id } }`, { m, c });
      expect(r.errors).toBeUndefined();
    }
    await waitFor('registry applied', () => walApplied(pipeline.questdb, 'meter_registry'), Boolean);
    const moved = await graphql.request(`mutation ($m: ID!, $c: ID) { changeMeterOwner(meterId: $m, customerId: $c, from: "2017-06-16", note: "A moves out") { from } }`, { m: mX, c: B });
    expect(moved.errors).toBeUndefined();
    // A register read on site goes on the run's readings topic (no sink runs here, so it stays there).
    const read = await graphql.request(`mutation ($m: ID!) { recordMeterRead(meterId: $m, at: "2017-06-25T00:00:00Z", register: 130000, note: "read on site") { meterId } }`, { m: mA });
    expect(read.errors).toBeUndefined();
    const ins = (sql: string, params: unknown[]) => pipeline.questdb.query(sql, params);
    const readings: Array<[string, string, number]> = [
      [mA, '2017-06-01T00:00:00Z', 100],
      [mA, '2017-06-20T00:00:00Z', 110],
      [mB, '2017-06-05T00:00:00Z', 500],
      [mX, '2017-06-10T00:00:00Z', 700],
      [mX, '2017-06-20T00:00:00Z', 720],
    ];
    for (const [m, ts, register] of readings) {
      await ins(`INSERT INTO readings (ts, meter_id, kind, value, register, seq) VALUES ($1, $2, 'water', $3, $4, 1)`, [ts, m, register / 100, register]);
      await ins(`INSERT INTO edge_stats (ts, meter_id, kind, count, min, max, mean) VALUES ($1, $2, 'water', 4, 1, 2, 1.5)`, [ts, m]);
      await ins(`INSERT INTO rolling_averages (ts, meter_id, window_size, count, sum, mean, min, max) VALUES ($1, $2, '1h', 2, $3, $3, $3, $3)`, [ts, m, register]);
    }
    for (const [m, ts, who] of [[mA, '2017-06-02T00:00:00Z', 'A'], [mB, '2017-06-06T00:00:00Z', 'B'], [mX, '2017-06-11T00:00:00Z', 'A']] as const) {
      await ins(`INSERT INTO alerts (ts, alert_id, meter_id, rule, state, estimated_loss_l, evidence) VALUES ($1, $2, $3, 'leak', 'open', 12.5, $4)`, [ts, `${m}/leak/1`, m, `flow of ${who}`]);
      await ins(`INSERT INTO commands (ts, command_id, meter_id, type, note, issued_by) VALUES ($1, $2, $3, 'block', $4, 'admin')`, [ts, `${m}-cmd-1`, m, `debt of ${who}`]);
      await ins(`INSERT INTO command_events (ts, command_id, meter_id, state, reason) VALUES ($1, $2, $3, 'applied', 'ok')`, [ts, `${m}-cmd-1`, m]);
    }
    const invoices: Array<[string, string, string, number]> = [
      [`${mA}/2017-06-01`, mA, A, 1200],
      [`${mX}/2017-06-01`, mX, A, 800],
      [`${mX}/2017-06-01/from-2017-06-16`, mX, B, 900],
      [`${mB}/2017-06-01`, mB, B, 1500],
    ];
    for (const [id, m, c, cents] of invoices) {
      await ins(`INSERT INTO invoices (ts, invoice_id, meter_id, status, customer_id, total_cents, currency) VALUES ('2017-06-01T00:00:00Z', $1, $2, 'final', $3, $4, 'BRL')`, [id, m, c, cents]);
      await ins(`INSERT INTO invoice_lines (ts, invoice_id, line_key, status, kind, amount_cents) VALUES ('2017-06-01T00:00:00Z', $1, 'fixed', 'final', 'fixed', $2)`, [id, cents]);
      await ins(`INSERT INTO payments (ts, payment_id, invoice_id, meter_id, amount_cents, currency, reference, recorded_by) VALUES ('2017-06-01T00:00:00Z', $1, $2, $3, $4, 'BRL', 'bank', 'admin')`, [`${id}-pay`, id, m, cents]);
      await ins(`INSERT INTO payment_intents (ts, intent_id, state, invoice_id, meter_id, customer_id, amount_cents) VALUES ('2017-06-01T00:00:00Z', $1, 'open', $2, $3, $4, $5)`, [`${id}-intent`, id, m, c, cents]);
    }
    // Billing's checkpoint of a meter names its owners (processors/billing/billing-state.ts).
    for (const [m, owners] of [[mA, `{"customerId":"${A}"}`], [mB, `{"customerId":"${B}"}`], [mX, `{"customerId":"${B}","previous":"${A}"}`]]) {
      await ins(`INSERT INTO processor_state (ts, processor, kafka_partition, state_key, last_offset, state) VALUES ('1970-01-01T00:00:00Z', $1, 0, $2, 1, $3)`, [`${pipeline.runId}-billing`, m, owners]);
    }
    await waitFor('rows applied', allApplied, Boolean, 60_000, 200);
  }, 120_000);

  afterAll(async () => {
    await graphql?.stop();
    await pipeline?.stopAll();
    rmSync(dir, { recursive: true, force: true });
  });

  let bBefore: Record<string, string[]>;

  it('exports exactly A\'s rows, and none of B\'s', async () => {
    const answer = await graphql.request<{ exportCustomerData: { url: string; rowCounts: { table: string; rows: number }[]; periods: { meterId: string; from: string | null; to: string | null }[] } }>(
      `mutation ($c: ID!) { exportCustomerData(customerId: $c) { url expiresAt rowCounts { table rows } periods { meterId from to } } }`,
      { c: A },
    );
    expect(answer.errors).toBeUndefined();
    const exported = answer.data!.exportCustomerData;
    expect(exported.periods).toEqual([
      { meterId: mA, from: null, to: null },
      { meterId: mX, from: null, to: '2017-06-16T00:00:00.000Z' },
    ]);
    const response = await fetch(exported.url);
    expect(response.status).toBe(200);
    writeFileSync(join(dir, 'a.tar.gz'), Buffer.from(await response.arrayBuffer()));
    // The system's tar reads the archive: an oracle independent of the writer.
    execFileSync('tar', ['-xzf', 'a.tar.gz'], { cwd: dir });
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { customerId: string; tables: { table: string; rows: number }[] };
    expect(manifest.customerId).toBe(A);
    const expected = await snapshot('A');
    for (const [table, rows] of Object.entries(expected)) {
      const lines = readFileSync(join(dir, `${table}.jsonl`), 'utf8').split('\n').filter(Boolean);
      expect([table, lines.map((l) => JSON.stringify(JSON.parse(l))).sort()]).toEqual([table, rows]);
      expect([table, manifest.tables.find((t) => t.table === table)?.rows]).toEqual([table, rows.length]);
    }
    // Hand-counted: 3 readings (mA twice, mX before the move), 2 alerts, 2 invoices and their lines and payments.
    expect([expected.readings!.length, expected.alerts!.length, expected.invoices!.length, expected.payments!.length]).toEqual([3, 2, 2, 2]);
    const everything = readFileSync(join(dir, 'readings.jsonl'), 'utf8') + readFileSync(join(dir, 'invoices.jsonl'), 'utf8') + readFileSync(join(dir, 'meter_registry.jsonl'), 'utf8');
    expect(everything).not.toContain(B);
    expect(everything).not.toContain(mB);
    // The link is signed: another path or a changed signature is refused.
    expect((await fetch(exported.url.replace(encodeURIComponent(A), encodeURIComponent(B)))).status).toBe(403);
    expect((await fetch(exported.url.replace(/sig=[^&]+/, 'sig=forged'))).status).toBe(403);
    const audit = await q<{ actor: string }>(`SELECT actor FROM audit_log WHERE operation = 'exportCustomerData' AND target = $1`, [A]);
    expect(audit.map((r) => r.actor)).toEqual(['admin']);
  });

  it('refuses an erasure without the confirmation, and from non-admins', async () => {
    const erase = `mutation ($c: ID!, $k: String!) { eraseCustomerData(customerId: $c, confirm: $k) { pseudonym } }`;
    expect((await graphql.request(erase, { c: A, k: B })).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'confirm' });
    expect((await graphql.request(erase, { c: A, k: A }, graphql.keys.analyst)).errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
    expect((await graphql.request(erase, { c: A, k: A }, graphql.keys.customer1)).errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
  });

  it('erases A: no table, query or topic returns A\'s data; B\'s rows are identical; the erasure is audited under a pseudonym', async () => {
    await waitFor('audit applied', allApplied, Boolean, 60_000, 200);
    bBefore = await snapshot('B');
    const started = Date.now();
    const answer = await graphql.request<{ eraseCustomerData: { pseudonym: string; remaining: number; tables: { table: string; rows: number; action: string }[] } }>(
      `mutation ($c: ID!, $k: String!) { eraseCustomerData(customerId: $c, confirm: $k) { pseudonym remaining tables { table rows action } } }`,
      { c: A, k: A },
    );
    expect(answer.errors).toBeUndefined();
    const pseudonym = `erased-${createHmac('sha256', key).update(`customer\n${A}`).digest('hex').slice(0, 24)}`;
    expect(answer.data!.eraseCustomerData.pseudonym).toBe(pseudonym);
    expect(answer.data!.eraseCustomerData.remaining).toBe(0);
    const found = Object.fromEntries(answer.data!.eraseCustomerData.tables.map((t) => [t.table, [t.rows, t.action]]));
    expect(found).toMatchObject({ readings: [3, 'ANONYMISE'], alerts: [2, 'ANONYMISE'], invoices: [2, 'PSEUDONYMISE'], payments: [2, 'KEEP'], meter_owners: [1, 'PSEUDONYMISE'] });
    await waitFor('erasure applied', allApplied, Boolean, 60_000, 200);

    // No table holds A's id in any text or symbol column, nor any row of A's meters in A's periods.
    for (const table of Object.values(questdbTables)) {
      const columns = await q<{ column: string; type: string }>(`SELECT "column", type FROM table_columns('${table.name}')`);
      for (const { column, type } of columns.filter((c) => ['SYMBOL', 'VARCHAR', 'STRING'].includes(c.type))) {
        const [row] = await q<{ n: string }>(`SELECT count() n FROM ${table.name} WHERE ${type === 'SYMBOL' ? `${column}::string` : column} LIKE $1`, [`%${A}%`]);
        expect([table.name, column, Number(row!.n)]).toEqual([table.name, column, 0]);
      }
    }
    for (const [table, [sql, params]] of Object.entries(oracle('A'))) {
      if (['invoice_lines', 'payments'].includes(table)) continue; // kept by law, they name no customer
      expect([table, (await q(sql, params)).length]).toEqual([table, 0]);
    }
    // What the books need is kept under the pseudonym: A's two invoices, their lines and payments.
    const kept = await q<{ invoice_id: string; total_cents: string }>(`SELECT invoice_id, total_cents FROM invoices WHERE customer_id = $1 ORDER BY invoice_id`, [pseudonym]);
    expect(kept.map((r) => [r.invoice_id, Number(r.total_cents)])).toEqual([[`${mA}/2017-06-01`, 1200], [`${mX}/2017-06-01`, 800]]);
    const paid = await q<{ n: string }>(`SELECT count() n FROM payments WHERE invoice_id IN ($1, $2)`, [`${mA}/2017-06-01`, `${mX}/2017-06-01`]);
    expect(Number(paid[0]!.n)).toBe(2);

    // B's rows: identical, value for value, except the four that also concern A: the move of mX
    // (meter_owners, its audit entry, billing's checkpoint of mX) names A as the previous owner — now the pseudonym, and the
    // move's free-text note cleared — and B's registry row of mX carried forward the label A gave
    // it (a label may hold a name or an address), cleared too.
    const expectedB = (table: string, line: string) => {
      if (!line.includes(A)) return line;
      const row = JSON.parse(line.split(A).join(pseudonym)) as Record<string, unknown>;
      if (table === 'meter_owners') row.note = null;
      if (table === 'meter_registry') row.label = null;
      return JSON.stringify(row);
    };
    const bAfter = await snapshot('B');
    expect(Object.values(bBefore).flat().filter((l) => l.includes(A))).toHaveLength(4);
    expect(bAfter).toEqual(Object.fromEntries(Object.entries(bBefore).map(([table, lines]) => [table, lines.map((l) => expectedB(table, l)).sort()])));
    expect(Object.values(bAfter).flat().length).toBeGreaterThanOrEqual(20);

    // GraphQL: mA has no readings left, mX only B's; A has no invoices; B still reads theirs.
    const readingsOf = async (m: string) => (await graphql.request<{ readings: { ts: string; register: number }[] }>(`query ($m: ID!) { readings(meterId: $m, from: "2017-05-01T00:00:00Z", to: "2017-07-01T00:00:00Z") { ts register } }`, { m })).data!.readings;
    expect(await readingsOf(mA)).toEqual([]);
    expect((await readingsOf(mX)).map((r) => r.register)).toEqual([720]);
    const invoicesOf = async (c: string, as = graphql.keys.admin) =>
      (await graphql.request<{ invoices: { edges: { node: { id: string; customerId: string } }[] } }>(`query ($c: ID) { invoices(customerId: $c) { edges { node { id customerId } } } }`, { c }, as)).data!.invoices.edges.map((e) => [e.node.id, e.node.customerId]);
    expect(await invoicesOf(A)).toEqual([]);
    // An admin asking for B's sees every invoice of the meters B had, mX's June before the move under the pseudonym.
    expect((await invoicesOf(B)).sort()).toEqual([[`${mB}/2017-06-01`, B], [`${mX}/2017-06-01`, pseudonym], [`${mX}/2017-06-01/from-2017-06-16`, B]]);
    expect((await invoicesOf(B, graphql.keys.customer2)).sort()).toEqual([[`${mB}/2017-06-01`, B], [`${mX}/2017-06-01/from-2017-06-16`, B]]);

    // The erasure itself is audited: actor, time, the pseudonym, never the id.
    const audit = await q<{ ts: Date; actor: string; target: string; args: string; result: string; outcome: string }>(
      `SELECT ts, actor, target, args, result, outcome FROM audit_log WHERE operation = 'eraseCustomerData' AND outcome = 'ok' AND target = $1`,
      [pseudonym],
    );
    expect(audit).toHaveLength(1);
    expect(audit[0]!.actor).toBe('admin');
    expect(audit[0]!.ts.getTime()).toBeGreaterThanOrEqual(started - 1000);
    expect(`${audit[0]!.args}${audit[0]!.result}`).not.toContain(A);
    // The earlier export's audit row now names the pseudonym.
    expect(await q(`SELECT target FROM audit_log WHERE operation = 'exportCustomerData' AND target = $1`, [pseudonym])).toHaveLength(1);

    // Topics of this run: A's meter data is there until retention (docs/gdpr.md, "Kafka topics"),
    // but no record names A: customer ids are not on topics.
    const topics = (Object.values(pipeline.topics) as { name: string }[]).map((t) => t.name);
    const seen: string[] = [];
    const consumer = await pipeline.kafka.createConsumer({
      groupId: `${pipeline.runId}-gdpr-check`,
      topics: topics.filter((t) => t.endsWith('readings')),
      fromBeginning: true,
      handle: async (batch) => {
        for (const r of batch.records) seen.push(r.value?.toString() ?? '');
      },
    });
    await waitFor('the read on site consumed', async () => seen.filter((v) => v.includes(mA)).length, (n) => n >= 1, 30_000, 200);
    await consumer.disconnect();
    expect(seen.filter((v) => v.includes(A))).toEqual([]);
  }, 180_000);
});
