import { questdbTables, type Reading } from '../../core/contracts';
import { runFleet } from '../../load-tests/simulator/fleet-simulator';
import { startTestGraphql, type GraphqlHarness, type GraphqlResponse } from './support/graphql-harness';
import { startTestProcessors, waterReading } from './support/processors-harness';
import { createTestPipeline, fleetMqtt, meterIdLike, walApplied, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';

// The read side of the API over data that went through the real pipeline: simulated meters over
// MQTT -> bridge -> Kafka -> sink, and readings put on the Kafka topic for the processors
// (rolling averages, rollups, alerts, billing). Every answer is checked against QuestDB SQL over
// the raw tables or against numbers computed here from the raw readings, never against itself.
const min = 60_000;
const spanMin = 180;

describe('GraphQL queries (meters, series, analytics, alerts, invoices)', () => {
  let pipeline: TestPipeline;
  let processors: Awaited<ReturnType<typeof startTestProcessors>>;
  let graphql: GraphqlHarness;
  let run: string;
  let s1: string;
  let s2: string;
  let wa: string;
  let wb: string;
  let ea: string;
  let simIds: string[];
  let t0: number;
  let tEnd: number;
  const c1Meters: string[] = [];
  const c2Meters: string[] = [];

  const sql = async <T>(text: string, params: unknown[] = []) => (await pipeline.questdb.query<T & Record<string, unknown>>(text, params)).rows as T[];
  const gql = <T = Record<string, unknown>>(query: string, variables: Record<string, unknown> = {}, key?: string | null) => graphql.request<T>(query, variables, key === undefined ? graphql.keys.admin : key);
  const ok = <T>(r: GraphqlResponse<T>): T => {
    if (r.errors) throw new Error(JSON.stringify(r.errors));
    return r.data!;
  };
  const iso = (ms: number) => new Date(ms).toISOString();

  beforeAll(async () => {
    pipeline = createTestPipeline();
    run = pipeline.runId;
    s1 = `${run}-s1`;
    s2 = `${run}-s2`;
    wa = `${run}-wa`;
    wb = `${run}-wb`;
    ea = `${run}-ea`;
    await pipeline.startSink();
    await pipeline.startBridge();
    processors = await startTestProcessors(pipeline);
    tEnd = Math.floor(Date.now() / min) * min;
    t0 = tEnd - spanMin * min;

    // Three meters of our own sectors, one reading a minute for 3 h, straight onto the readings topic.
    const readings: Reading[] = [];
    let ra = 10_000;
    let rb = 50_000;
    let re = 700;
    for (let i = 0; i < spanMin; i += 1) {
      const ts = t0 + i * min;
      const va = (i % 7) * 0.5;
      // wb bursts at 20 L/min from minute 60 to 119: a burst alert opens at 90 and closes at 120.
      const vb = i >= 60 && i < 120 ? 20 : 0.2;
      const ve = 1 + (i % 5) * 0.25;
      ra += va;
      rb += vb;
      re += ve / 60;
      readings.push(waterReading(wa, ts, { sector: s1, value: va, register: ra }));
      readings.push(waterReading(wb, ts, { sector: s1, value: vb, register: rb }));
      readings.push({ meterId: ea, kind: 'electricity', ts, value: ve, valueUnit: 'kW', register: re, registerUnit: 'kWh', seq: null, sector: s2, receivedAt: ts });
    }
    await processors.send(readings);

    // Four simulated meters over MQTT (sectors sector-1..2 shared with other runs; ids are ours).
    const fleet = await runFleet({ mqtt: fleetMqtt(pipeline), meters: 4, profile: 'mixed', prefix: run, sectors: 2, intervalMs: min, readingsPerMeter: 60, ratePerSecond: 0, batchSize: 1, maxInFlight: 100, seed: 11, startTs: tEnd - 60 * min });
    simIds = fleet.meterIds;
    expect(await fleet.done).toMatchObject({ published: 240, failed: 0 });

    // Registry: c1 owns wa, wb and the first simulated meter; c2 owns ea and the second.
    c1Meters.push(wa, wb, simIds[0]!);
    c2Meters.push(ea, simIds[1]!);
    const register = (meterId: string, kind: string, sector: string, customerId: string) =>
      pipeline.questdb.query(
        `INSERT INTO meter_registry (ts, meter_id, kind, sector, customer_id, time_zone, reporting_interval_s, tariff_id, label, registered_at, changed_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [iso(tEnd - 5 * min), meterId, kind, sector, customerId, 'Europe/Lisbon', 60, 'sabesp-res-2017', `label of ${meterId}`, iso(tEnd - 5 * min), 'test'],
      );
    for (const id of [wa, wb]) await register(id, 'water', s1, `${run}-c1`);
    await register(simIds[0]!, 'water', 'sector-1', `${run}-c1`);
    await register(ea, 'electricity', s2, `${run}-c2`);
    await register(simIds[1]!, 'electricity', 'sector-2', `${run}-c2`);

    // An alert of our own with an acknowledgement after its opening: its current state is ACKNOWLEDGED.
    const insertAlert = (alertId: string, meterId: string, sector: string, ts: number, state: string) =>
      pipeline.questdb.query(
        `INSERT INTO alerts (ts, alert_id, meter_id, sector, rule, rule_kind, severity, state, started_at, ended_at, estimated_loss_l, evidence) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [iso(ts), alertId, meterId, sector, 'fridge-too-warm', 'threshold', 'warning', state, iso(t0 + 10 * min), null, null, '{"value":5}'],
      );
    await insertAlert(`${run}-ack`, wa, s1, t0 + 40 * min, 'open');
    await insertAlert(`${run}-ack`, wa, s1, t0 + 50 * min, 'acknowledged');
    // c2's meter: customer 1 must never see it.
    await insertAlert(`${run}-c2alert`, ea, s2, t0 + 40 * min, 'open');

    const count = async () => Number((await sql<{ n: string }>(`SELECT count() n FROM readings WHERE ${meterIdLike}`, [`${run}-%`]))[0]!.n);
    await waitFor('every reading in QuestDB', count, (n) => n >= 3 * spanMin + 240, 90_000);
    // The last minute we compare windows on: both s1 meters' partitions have passed it.
    const lastBucket = tEnd - 10 * min;
    await waitFor(
      'rollups of s1 up to the last compared minute',
      async () => Number((await sql<{ n: string | null }>(`SELECT sum(count) n FROM rollups WHERE scope = 'sector' AND scope_id = $1 AND bucket = '1m' AND ts = $2`, [s1, iso(lastBucket)]))[0]?.n ?? 0),
      (n) => n === 2,
      90_000,
      500,
    );
    await waitFor('the burst alert closed', async () => (await sql<{ n: string }>(`SELECT count() n FROM alerts WHERE meter_id = $1 AND rule_kind = 'burst' AND state = 'closed'`, [wb]))[0]!.n, (n) => Number(n) >= 1, 90_000, 500);
    await waitFor('a provisional bill of wa', async () => (await sql<{ n: string }>(`SELECT count() n FROM invoices WHERE meter_id = $1`, [wa]))[0]!.n, (n) => Number(n) >= 1, 90_000, 500);
    await waitFor('wa 15m windows to the last compared minute', async () => (await sql<{ n: string }>(`SELECT count() n FROM rolling_averages WHERE meter_id = $1 AND window_size = '15m' AND ts >= $2`, [wa, iso(lastBucket)]))[0]!.n, (n) => Number(n) >= 1, 90_000, 500);
    for (const table of ['readings', 'meter_registry', 'alerts', 'rollups', 'rolling_averages', 'invoices', 'invoice_lines']) {
      await waitFor(`WAL applied (${table})`, () => walApplied(pipeline.questdb, table), Boolean, 60_000, 200);
    }
    graphql = await startTestGraphql(pipeline, { MF_GRAPHQL_MAX_RANGE_DAYS: '2', MF_GRAPHQL_MAX_PAGE_SIZE: '100', MF_GRAPHQL_MAX_ROWS: '2000', MF_GRAPHQL_RATE_LIMIT: '0' });
  }, 170_000);

  afterAll(async () => {
    await graphql?.stop();
    await processors?.stop();
    await pipeline?.stopAll();
  });

  it('meter(id) merges the registry row with the last reading', async () => {
    const [last] = await sql<{ ts: Date; value: number }>(`SELECT ts, value FROM readings WHERE meter_id = $1 ORDER BY ts DESC LIMIT 1`, [wa]);
    const data = ok(await gql<{ meter: Record<string, unknown> & { lastReading: { ts: string; value: number }; status: { status: string } } }>(
      `query ($id: ID!) { meter(id: $id) { id kind sector customerId timeZone reportingIntervalS tariffId label lastSeenAt lastReading { ts value } status { status } } }`,
      { id: wa },
    ));
    expect(data.meter).toEqual({
      id: wa, kind: 'water', sector: s1, customerId: `${run}-c1`, timeZone: 'Europe/Lisbon', reportingIntervalS: 60, tariffId: 'sabesp-res-2017', label: `label of ${wa}`,
      lastSeenAt: last!.ts.toISOString(), lastReading: { ts: last!.ts.toISOString(), value: last!.value }, status: { status: 'ACTIVE' },
    });
    // Unregistered but reporting: known from its readings.
    const sim = ok(await gql<{ meter: { kind: string; customerId: string | null; registeredAt: string | null } }>(`query ($id: ID!) { meter(id: $id) { kind customerId registeredAt } }`, { id: simIds[3] }));
    expect(sim.meter).toEqual({ kind: 'electricity', customerId: null, registeredAt: null });
  });

  it('meters: walking every page returns each meter exactly once, in id order, as QuestDB knows them', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let total = -1;
    for (let pages = 0; pages < 1000; pages += 1) {
      const page: { meters: { edges: { cursor: string; node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null }; totalCount: number } } = ok(
        await gql(`query ($after: String) { meters(first: 25, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } totalCount } }`, { after }),
      );
      seen.push(...page.meters.edges.map((e) => e.node.id));
      total = page.meters.totalCount;
      if (!page.meters.pageInfo.hasNextPage) break;
      after = page.meters.pageInfo.endCursor;
    }
    expect(seen.length).toBe(total);
    expect(new Set(seen).size).toBe(seen.length);
    expect([...seen].sort((a, b) => (a < b ? -1 : 1))).toEqual(seen);
    const ours = await sql<{ meter_id: string }>(
      `SELECT DISTINCT meter_id FROM (SELECT meter_id FROM readings WHERE ${meterIdLike} UNION SELECT meter_id FROM meter_registry WHERE ${meterIdLike})`,
      [`${run}-%`],
    );
    expect(seen.filter((id) => id.startsWith(`${run}-`)).sort()).toEqual(ours.map((r) => r.meter_id).sort());
  });

  it('meters: filters by sector, kind, customer and status', async () => {
    const bySector = ok(await gql<{ meters: { edges: { node: { id: string } }[]; totalCount: number } }>(`query ($s: String) { meters(filter: { sector: $s, kind: water }) { edges { node { id } } totalCount } }`, { s: s1 }));
    expect(bySector.meters.edges.map((e) => e.node.id)).toEqual([wa, wb]);
    const byCustomer = ok(await gql<{ meters: { edges: { node: { id: string } }[] } }>(`query ($c: ID) { meters(filter: { customerId: $c, status: ACTIVE }) { edges { node { id } } } }`, { c: `${run}-c2` }));
    const registered = await sql<{ meter_id: string }>(`SELECT meter_id FROM meter_registry WHERE customer_id = $1 LATEST ON ts PARTITION BY meter_id`, [`${run}-c2`]);
    expect(byCustomer.meters.edges.map((e) => e.node.id)).toEqual(registered.map((r) => r.meter_id).sort());
    const blocked = ok(await gql<{ meters: { totalCount: number } }>(`query ($c: ID) { meters(filter: { customerId: $c, status: BLOCKED }) { totalCount } }`, { c: `${run}-c2` }));
    expect(blocked.meters.totalCount).toBe(0);
  });

  it('customers see only their own meters, and FORBIDDEN for another customer\'s', async () => {
    const mine = ok(await gql<{ meters: { edges: { node: { id: string; customerId: string } }[] } }>(`{ meters(first: 100) { edges { node { id customerId } } } }`, {}, graphql.keys.customer1));
    expect(mine.meters.edges.map((e) => e.node.id)).toEqual([...c1Meters].sort());
    const other = await gql(`query ($id: ID!) { meter(id: $id) { id } }`, { id: ea }, graphql.keys.customer1);
    expect(other.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const otherList = await gql(`query ($c: ID) { meters(filter: { customerId: $c }) { totalCount } }`, { c: `${run}-c2` }, graphql.keys.customer1);
    expect(otherList.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const readings = await gql(`query ($m: ID!, $f: DateTime!, $t: DateTime!) { readings(meterId: $m, from: $f, to: $t) { ts } }`, { m: ea, f: iso(t0), t: iso(tEnd) }, graphql.keys.customer1);
    expect(readings.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    // Their own meters' readings they do get.
    const own = ok(await gql<{ readings: unknown[] }>(`query ($m: ID!, $f: DateTime!, $t: DateTime!) { readings(meterId: $m, from: $f, to: $t, limit: 1000) { ts } }`, { m: wa, f: iso(t0), t: iso(tEnd) }, graphql.keys.customer1));
    expect(own.readings).toHaveLength(spanMin);
    // Invoices and alerts of another customer's meter: FORBIDDEN; the alerts list leaves them out.
    expect((await gql(`query ($c: ID) { invoices(customerId: $c) { totalCount } }`, { c: `${run}-c2` }, graphql.keys.customer1)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const alertsQuery = `query ($s: String) { alerts(filter: { sector: $s }) { edges { node { id } } } }`;
    expect(ok(await gql<{ alerts: { edges: { node: { id: string } }[] } }>(alertsQuery, { s: s2 })).alerts.edges).toEqual([{ node: { id: `${run}-c2alert` } }]);
    expect(ok(await gql<{ alerts: { edges: unknown[] } }>(alertsQuery, { s: s2 }, graphql.keys.customer1)).alerts.edges).toEqual([]);
    expect(ok(await gql<{ alerts: { edges: unknown[] } }>(alertsQuery, { s: s2 }, graphql.keys.customer2)).alerts.edges).toHaveLength(1);
  });

  it('readingSeries: calendar buckets in a time zone equal the same aggregates computed from the raw rows', async () => {
    const raw = await sql<{ ts: Date; value: number; register: number }>(`SELECT ts, value, register FROM readings WHERE meter_id = $1 AND ts >= $2 AND ts < $3 ORDER BY ts`, [wa, iso(t0), iso(tEnd)]);
    expect(raw).toHaveLength(spanMin);
    // Asia/Kolkata is UTC+05:30 (no DST): its hours start at :30 UTC.
    const offset = 5.5 * 3_600_000;
    const hours = new Map<number, number[]>();
    for (const r of raw) {
      const start = Math.floor((r.ts.getTime() + offset) / 3_600_000) * 3_600_000 - offset;
      hours.set(start, [...(hours.get(start) ?? []), r.value]);
    }
    const expected = [...hours.entries()].map(([start, vs]) => ({ ts: iso(start), value: vs.reduce((a, b) => a + b, 0) / vs.length, count: vs.length }));
    const data = ok(await gql<{ readingSeries: { ts: string; value: number; count: number }[] }>(
      `query ($m: ID!, $f: DateTime!, $t: DateTime!) { readingSeries(meterId: $m, from: $f, to: $t, bucket: HOUR_1, aggregate: AVG, timeZone: "Asia/Kolkata") { ts value count } }`,
      { m: wa, f: iso(t0), t: iso(tEnd) },
    ));
    expect(data.readingSeries.map((b) => b.ts)).toEqual(expected.map((b) => b.ts));
    data.readingSeries.forEach((b, i) => {
      expect(b.count).toBe(expected[i]!.count);
      expect(b.value).toBeCloseTo(expected[i]!.value, 9);
    });
    // 15-minute register LAST: the register of each quarter's last reading.
    const quarters = ok(await gql<{ readingSeries: { ts: string; value: number }[] }>(
      `query ($m: ID!, $f: DateTime!, $t: DateTime!) { readingSeries(meterId: $m, from: $f, to: $t, bucket: MINUTE_15, aggregate: LAST, of: REGISTER) { ts value } }`,
      { m: wa, f: iso(t0), t: iso(tEnd) },
    ));
    const lastOfQuarter = new Map<number, number>();
    for (const r of raw) lastOfQuarter.set(Math.floor(r.ts.getTime() / (15 * min)) * 15 * min, r.register);
    expect(quarters.readingSeries).toEqual([...lastOfQuarter.entries()].map(([ts, value]) => ({ ts: iso(ts), value })));
  });

  it('rollups sum the per-partition rows and equal aggregates over the raw readings of the sector', async () => {
    const from = t0;
    const to = tEnd - 9 * min;
    const data = ok(await gql<{ rollups: { ts: string; count: number; sum: number; mean: number; min: number; max: number }[] }>(
      `query ($s: ID, $f: DateTime!, $t: DateTime!) { rollups(scope: SECTOR, scopeId: $s, bucket: MINUTE_1, from: $f, to: $t) { ts count sum mean min max } }`,
      { s: s1, f: iso(from), t: iso(to) },
    ));
    const oracle = await sql<{ ts: Date; n: string; total: number; lo: number; hi: number }>(
      `SELECT ts, count(value) n, sum(value) total, min(value) lo, max(value) hi FROM readings WHERE sector = $1 AND ts >= $2 AND ts < $3 SAMPLE BY 1m`,
      [s1, iso(from), iso(to)],
    );
    expect(oracle).toHaveLength(spanMin - 9);
    expect(data.rollups.map((r) => r.ts)).toEqual(oracle.map((o) => o.ts.toISOString()));
    data.rollups.forEach((r, i) => {
      const o = oracle[i]!;
      expect(r.count).toBe(Number(o.n));
      expect(r.sum).toBeCloseTo(o.total, 9);
      expect(r.mean).toBeCloseTo(o.total / Number(o.n), 9);
      expect([r.min, r.max]).toEqual([o.lo, o.hi]);
    });
  });

  it('rollingAverages equal the windows computed from the raw readings', async () => {
    const data = ok(await gql<{ rollingAverages: { windowStart: string; windowEnd: string; count: number; mean: number; max: number }[] }>(
      `query ($m: ID!, $f: DateTime!, $t: DateTime!) { rollingAverages(meterId: $m, window: "15m", from: $f, to: $t) { windowStart windowEnd count mean max } }`,
      { m: wa, f: iso(t0 + 15 * min), t: iso(tEnd - 9 * min) },
    ));
    expect(data.rollingAverages.length).toBeGreaterThanOrEqual(30);
    const raw = await sql<{ ts: Date; value: number }>(`SELECT ts, value FROM readings WHERE meter_id = $1 ORDER BY ts`, [wa]);
    for (const w of data.rollingAverages) {
      const end = Date.parse(w.windowEnd);
      expect(Date.parse(w.windowStart)).toBe(end - 15 * min);
      const vs = raw.filter((r) => r.ts.getTime() >= end - 15 * min && r.ts.getTime() < end).map((r) => r.value);
      expect(w.count).toBe(vs.length);
      expect(w.mean).toBeCloseTo(vs.reduce((a, b) => a + b, 0) / vs.length, 9);
      expect(w.max).toBe(Math.max(...vs));
    }
  });

  it('fleetStats and topConsumers equal per-meter SQL over the raw readings', async () => {
    const from = iso(t0 + 30 * min);
    const to = iso(tEnd);
    const perMeter = await sql<{ meter_id: string; n: string; rmin: number; rmax: number; vsum: number; vn: string }>(
      `SELECT meter_id, count() n, min(register) rmin, max(register) rmax, sum(value) vsum, count(value) vn FROM readings WHERE sector = $1 AND ts >= $2 AND ts < $3 GROUP BY meter_id`,
      [s1, from, to],
    );
    const openAlerts = await sql<{ n: string }>(`SELECT count() n FROM (SELECT state FROM alerts WHERE sector = $1 LATEST ON ts PARTITION BY alert_id) WHERE state <> 'closed'`, [s1]);
    const data = ok(await gql<{ fleetStats: { meters: number; readings: number; consumption: { unit: string; amount: number; meters: number }[]; meanValue: { unit: string; amount: number }[]; openAlerts: number } }>(
      `query ($s: String, $f: DateTime!, $t: DateTime!) { fleetStats(sector: $s, from: $f, to: $t) { meters readings consumption { unit amount meters } meanValue { unit amount } openAlerts } }`,
      { s: s1, f: from, t: to },
    ));
    expect(data.fleetStats.meters).toBe(perMeter.length);
    expect(data.fleetStats.readings).toBe(perMeter.reduce((n, r) => n + Number(r.n), 0));
    expect(data.fleetStats.consumption).toHaveLength(1);
    expect(data.fleetStats.consumption[0]!.unit).toBe('L');
    expect(data.fleetStats.consumption[0]!.amount).toBeCloseTo(perMeter.reduce((n, r) => n + r.rmax - r.rmin, 0), 6);
    expect(data.fleetStats.meanValue[0]!.amount).toBeCloseTo(perMeter.reduce((n, r) => n + r.vsum, 0) / perMeter.reduce((n, r) => n + Number(r.vn), 0), 9);
    expect(data.fleetStats.openAlerts).toBe(Number(openAlerts[0]!.n));
    expect(data.fleetStats.openAlerts).toBeGreaterThanOrEqual(1); // the acknowledged one

    const top = ok(await gql<{ topConsumers: { meterId: string; consumption: number; unit: string; meter: { id: string } }[] }>(
      `query ($s: String, $f: DateTime!, $t: DateTime!) { topConsumers(sector: $s, from: $f, to: $t, limit: 5) { meterId consumption unit meter { id } } }`,
      { s: s1, f: from, t: to },
    ));
    const expected = perMeter.map((r) => ({ meterId: r.meter_id, consumption: r.rmax - r.rmin })).sort((a, b) => b.consumption - a.consumption);
    expect(top.topConsumers.map((t) => t.meterId)).toEqual(expected.map((e) => e.meterId));
    top.topConsumers.forEach((t, i) => expect(t.consumption).toBeCloseTo(expected[i]!.consumption, 6));
    expect(top.topConsumers[0]!.meter.id).toBe(wb); // the burst
  });

  it('alerts and leaks show the current state (latest row) of each alert', async () => {
    const rows = await sql<{ alert_id: string; state: string; started_at: Date; ended_at: Date | null; estimated_loss_l: number | null; rule_kind: string }>(
      `SELECT alert_id, state, started_at, ended_at, estimated_loss_l, rule_kind FROM alerts WHERE sector = $1 LATEST ON ts PARTITION BY alert_id`,
      [s1],
    );
    const data = ok(await gql<{ alerts: { edges: { node: { id: string; state: string; ruleKind: string; startedAt: string } }[]; totalCount: number } }>(
      `query ($s: String) { alerts(filter: { sector: $s }, first: 100) { edges { node { id state ruleKind startedAt } } totalCount } }`,
      { s: s1 },
    ));
    expect(data.alerts.totalCount).toBe(rows.length);
    const byId = new Map(rows.map((r) => [r.alert_id, r]));
    for (const { node } of data.alerts.edges) expect(node.state).toBe(byId.get(node.id)!.state.toUpperCase());
    const acked = ok(await gql<{ alerts: { edges: { node: { id: string; ruleKind: string } }[] } }>(`query ($m: ID) { alerts(filter: { meterId: $m, state: ACKNOWLEDGED }) { edges { node { id ruleKind } } } }`, { m: wa }));
    expect(acked.alerts.edges.map((e) => e.node)).toEqual([{ id: `${run}-ack`, ruleKind: 'THRESHOLD' }]);
    const meter = ok(await gql<{ meter: { openAlerts: { id: string }[] } }>(`query ($id: ID!) { meter(id: $id) { openAlerts { id } } }`, { id: wa }));
    expect(meter.meter.openAlerts.map((a) => a.id)).toEqual([`${run}-ack`]);

    const burst = rows.find((r) => r.rule_kind === 'burst')!;
    const leaks = ok(await gql<{ leaks: { edges: { node: { id: string; durationS: number; estimatedLossL: number; state: string } }[] } }>(
      `query ($s: String) { leaks(filter: { sector: $s, open: false }) { edges { node { id durationS estimatedLossL state } } } }`,
      { s: s1 },
    ));
    const closedLeaks = rows
      .filter((r) => ['burst', 'night-flow', 'continuous-flow'].includes(r.rule_kind) && r.state === 'closed')
      .sort((a, b) => b.started_at.getTime() - a.started_at.getTime())
      .map((r) => ({ id: r.alert_id, state: 'CLOSED', durationS: (r.ended_at!.getTime() - r.started_at.getTime()) / 1000, estimatedLossL: r.estimated_loss_l }));
    expect(leaks.leaks.edges.map((e) => e.node)).toEqual(closedLeaks);
    // By hand: 20 L/min from minute 60 to minute 120 = 60 min.
    expect(leaks.leaks.edges.find((e) => e.node.id === burst.alert_id)!.node.durationS).toBe(3600);
    const one = ok(await gql<{ alert: { id: string; meter: { id: string } } }>(`query ($id: ID!) { alert(id: $id) { id meter { id } } }`, { id: burst.alert_id }));
    expect(one.alert).toEqual({ id: burst.alert_id, meter: { id: wb } });
    // Paging through alerts one at a time gives the same list.
    const walked: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: { alerts: { edges: { node: { id: string } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } } = ok(
        await gql(`query ($s: String, $a: String) { alerts(filter: { sector: $s }, first: 1, after: $a) { edges { node { id } } pageInfo { hasNextPage endCursor } } }`, { s: s1, a: after }),
      );
      walked.push(...page.alerts.edges.map((e) => e.node.id));
      if (!page.alerts.pageInfo.hasNextPage) break;
      after = page.alerts.pageInfo.endCursor;
    }
    expect(walked).toEqual(data.alerts.edges.map((e) => e.node.id));
  });

  it('invoices: the latest row per invoice with its lines and payments; currentBill is the provisional one', async () => {
    const [inv] = await sql<{ invoice_id: string; status: string; total_cents: string; consumption: number; issued_at: Date; period_label: string }>(
      `SELECT invoice_id, status, total_cents, consumption, issued_at, period_label FROM invoices WHERE meter_id = $1 LATEST ON ts PARTITION BY invoice_id`,
      [wa],
    );
    const lines = await sql<{ amount_cents: string }>(`SELECT amount_cents FROM invoice_lines WHERE invoice_id = $1 AND status = $2 AND issued_at = $3`, [inv!.invoice_id, inv!.status, inv!.issued_at.toISOString()]);
    await pipeline.questdb.query(`INSERT INTO payments (ts, payment_id, invoice_id, meter_id, amount_cents, currency, reference, recorded_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, [
      iso(Date.now()), `${run}-p1`, inv!.invoice_id, wa, 500, 'BRL', 'ref-1', 'test',
    ]);
    await waitFor('payment applied', () => walApplied(pipeline.questdb, questdbTables.payments.name), Boolean);
    const data = ok(await gql<{ invoices: { edges: { node: { id: string; status: string; totalCents: number; consumption: number; paidCents: number; balanceCents: number; periodLabel: string; lines: { amountCents: number }[] } }[]; totalCount: number } }>(
      `query ($m: ID, $p: String) { invoices(meterId: $m, period: $p) { edges { node { id status totalCents consumption paidCents balanceCents periodLabel lines { amountCents } } } totalCount } }`,
      { m: wa, p: inv!.period_label.slice(0, 7) },
    ));
    expect(data.invoices.totalCount).toBe(1);
    const node = data.invoices.edges[0]!.node;
    expect(node).toMatchObject({ id: inv!.invoice_id, status: inv!.status.toUpperCase(), totalCents: Number(inv!.total_cents), consumption: inv!.consumption, paidCents: 500, balanceCents: Number(inv!.total_cents) - 500 });
    expect(node.lines.map((l) => l.amountCents).sort((a, b) => a - b)).toEqual(lines.map((l) => Number(l.amount_cents)).sort((a, b) => a - b));
    expect(node.lines.reduce((s, l) => s + l.amountCents, 0)).toBe(Number(inv!.total_cents));
    expect(node.lines).toHaveLength(lines.length);

    const meter = ok(await gql<{ meter: { currentBill: { id: string } | null } }>(`query ($id: ID!) { meter(id: $id) { currentBill { id } } }`, { id: wa }));
    expect(meter.meter.currentBill?.id).toBe(inv!.status === 'provisional' ? inv!.invoice_id : undefined);
    const expectedCustomer = await sql<{ n: string }>(`SELECT count() n FROM (SELECT invoice_id FROM invoices WHERE meter_id IN ($1, $2, $3) LATEST ON ts PARTITION BY invoice_id)`, c1Meters);
    const byCustomer = ok(await gql<{ invoices: { totalCount: number } }>(`query ($c: ID) { invoices(customerId: $c) { totalCount } }`, { c: `${run}-c1` }, graphql.keys.customer1));
    expect(byCustomer.invoices.totalCount).toBe(Number(expectedCustomer[0]!.n));
    expect(byCustomer.invoices.totalCount).toBeGreaterThanOrEqual(2); // wa and wb are billed
  });

  it('bad input: BAD_USER_INPUT or NOT_FOUND naming the argument, and no query reaches QuestDB', async () => {
    const pool = graphql.server.services.questdb;
    const original = pool.query.bind(pool);
    const dataQueries: string[] = [];
    // Counts (does not replace) the server's queries of the read-side tables during the bad requests.
    (pool as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
      const text = typeof args[0] === 'string' ? args[0] : '';
      if (/FROM (readings|rollups|rolling_averages|alerts|invoices|invoice_lines|payments)\b/.test(text)) dataQueries.push(text);
      return (original as (...a: unknown[]) => unknown)(...args);
    };
    const day = 86_400_000;
    const f = iso(t0);
    const t = iso(tEnd);
    const cases: [string, Record<string, unknown>, string, string][] = [
      [`query ($m: ID!, $f: DateTime!, $t: DateTime!) { readings(meterId: $m, from: $f, to: $t) { ts } }`, { m: wa, f: t, t: f }, 'BAD_USER_INPUT', 'from'],
      [`query ($m: ID!, $f: DateTime!, $t: DateTime!) { readings(meterId: $m, from: $f, to: $t) { ts } }`, { m: wa, f: iso(tEnd - 3 * day), t }, 'BAD_USER_INPUT', 'to'],
      [`query ($m: ID!, $f: DateTime!, $t: DateTime!) { readings(meterId: $m, from: $f, to: $t) { ts } }`, { m: 'bad id!', f, t }, 'BAD_USER_INPUT', 'meterId'],
      [`query ($m: ID!, $f: DateTime!, $t: DateTime!) { readingSeries(meterId: $m, from: $f, to: $t, bucket: HOUR_1, timeZone: "Mars/Olympus") { ts } }`, { m: wa, f, t }, 'BAD_USER_INPUT', 'timeZone'],
      [`query ($m: ID!, $f: DateTime!, $t: DateTime!) { readingSeries(meterId: $m, from: $f, to: $t, bucket: MINUTE_1) { ts } }`, { m: wa, f: iso(tEnd - 2 * day), t }, 'BAD_USER_INPUT', 'bucket'],
      [`{ meters(first: 101) { totalCount } }`, {}, 'BAD_USER_INPUT', 'first'],
      [`{ meters(after: "not-a-cursor") { totalCount } }`, {}, 'BAD_USER_INPUT', 'after'],
      [`{ alerts(after: "eyJ4IjoxfQ") { totalCount } }`, {}, 'BAD_USER_INPUT', 'after'],
      [`query ($m: ID, $c: ID) { invoices(meterId: $m, customerId: $c) { totalCount } }`, { m: wa, c: `${run}-c1` }, 'BAD_USER_INPUT', 'customerId'],
      [`query ($m: ID) { invoices(meterId: $m, period: "2026-13") { totalCount } }`, { m: wa }, 'BAD_USER_INPUT', 'period'],
      [`query ($f: DateTime!, $t: DateTime!) { rollups(scope: SECTOR, bucket: HOUR_1, from: $f, to: $t) { ts } }`, { f, t }, 'BAD_USER_INPUT', 'scopeId'],
      [`query ($f: DateTime!, $t: DateTime!) { topConsumers(from: $f, to: $t, limit: 0) { meterId } }`, { f, t }, 'BAD_USER_INPUT', 'limit'],
      [`query ($m: ID!) { rollingAverages(meterId: $m, window: "an hour", from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z") { count } }`, { m: wa }, 'BAD_USER_INPUT', 'window'],
      [`query ($f: DateTime!) { alerts(filter: { from: $f }) { totalCount } }`, { f }, 'BAD_USER_INPUT', 'filter.to'],
    ];
    try {
      for (const [query, variables, code, field] of cases) {
        const r = await gql(query, variables);
        expect({ query, code: r.errors?.[0]?.extensions?.code, field: r.errors?.[0]?.extensions?.field }).toEqual({ query, code, field });
        expect(r.data?.[Object.keys(r.data ?? {})[0] ?? ''] ?? null).toBeNull();
      }
      expect(dataQueries).toEqual([]);
    } finally {
      (pool as unknown as { query: unknown }).query = original;
    }
    const unknown = await gql(`query ($id: ID!) { meter(id: $id) { id } }`, { id: `${run}-nope` });
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
    const unknownAlert = await gql(`query ($id: ID!) { alert(id: $id) { id } }`, { id: `${run}-nope` });
    expect(unknownAlert.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
  });
});
