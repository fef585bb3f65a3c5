import type { Command, CommandEvent, EdgeStats, Reading } from '../../core/contracts';
import type { DeadLetter } from '../../core/streams/dead-letters';
import { allDashboards, panelQueries, type PanelQuery } from '../../dashboards/index';
import { expandGrafanaMacros } from '../unit/dashboards/grafana-macros';
import { startTestProcessors, waterReading } from './support/processors-harness';
import { createTestPipeline, walApplied, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';

// Every panel's SQL, expanded as Grafana's PostgreSQL datasource would, runs against the real
// QuestDB after a small fleet went through Kafka → processors + raw sink. The data is made to
// fill every table a panel reads: readings with registers (readings, rolling_averages, rollups),
// a burst (alerts), a register decrease (register-anomaly alert), a month closed by later
// readings (final invoice and its lines), a late reading (late_readings) and a dead letter.
const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;

describe('dashboards: every panel query runs on QuestDB and finds the data', () => {
  let pipeline: TestPipeline;
  let harness: Awaited<ReturnType<typeof startTestProcessors>>;
  let from: Date;
  let to: Date;
  let billMeter: string;
  const queries: PanelQuery[] = allDashboards().flatMap(panelQueries);

  beforeAll(async () => {
    // The sink samples its metrics (service_metrics) often enough to fill the Pipeline health panels.
    pipeline = createTestPipeline({ MF_METRICS_SAMPLE_INTERVAL_MS: '500' });
    await pipeline.startSink();
    harness = await startTestProcessors(pipeline);
    const run = pipeline.runId;
    const now = Date.now();
    const end = Math.floor(now / minute) * minute - minute;
    const start = end - 4 * hour;
    // A billing period long closed: the calendar month before last (UTC, the default billing time zone).
    const today = new Date(now);
    const periodStart = Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 2, 1);
    const nextPeriod = Date.UTC(today.getUTCFullYear(), today.getUTCMonth() - 1, 1);
    from = new Date(periodStart - day);
    to = new Date(end + 2 * minute);
    billMeter = `${run}-m3`;

    const readings: Reading[] = [];
    // The bill meter's old readings come first, so its partition's stream time only moves forward.
    let register = 1_000_000;
    for (const ts of [periodStart, periodStart + 10 * day, periodStart + 20 * day, nextPeriod + 12 * hour]) {
      readings.push(waterReading(billMeter, ts, { sector: `${run}-s1`, value: 0, register }));
      register += 5_000;
    }
    const registers = new Map<number, number>([[0, 50_000], [1, 60_000], [2, 70_000], [3, register]]);
    for (let ts = start; ts <= end; ts += 5 * minute) {
      for (let m = 0; m < 4; m++) {
        // Meter 3 bursts at 20 L/min for an hour (well above 10 % of Q3, for more than 30 min).
        const burst = m === 3 && ts >= start + hour && ts < start + 2 * hour;
        const value = burst ? 20 : 0.5 + m * 0.5;
        let reg = registers.get(m)! + value * 5;
        // Meter 1's register goes down once: an unexplained decrease.
        if (m === 1 && ts === start + 2 * hour) reg -= 500;
        registers.set(m, reg);
        readings.push(waterReading(`${run}-m${m}`, ts, { sector: `${run}-s${m % 2}`, value, register: reg }));
      }
    }
    await harness.send(readings);
    // Late: a reading hours behind the watermark, between two of meter 2's readings.
    await new Promise((r) => setTimeout(r, 2000));
    await harness.send([waterReading(`${run}-m2`, start + 7 * minute, { sector: `${run}-s0`, value: 1.5, register: 70_000 + 10 })]);
    const deadLetter: DeadLetter = { reason: 'MALFORMED_JSON', detail: 'test', mqttTopic: `meters/${run}-m9/readings`, receivedAt: end, payloadBase64: Buffer.from('{').toString('base64'), payloadBytes: 1, payloadTruncated: false, bridgeId: `${run}-bridge` };
    await harness.producer.sendBatch([{ topic: pipeline.topics.deadLetters.name, key: `${run}-m9`, value: JSON.stringify(deadLetter) }]);
    // Two edge summaries of the bill meter (the meter detail's edge-statistics band).
    const edgeStats: EdgeStats[] = [0, 1].map((k) => ({ meterId: billMeter, kind: 'water', from: end - (2 - k) * hour, to: end - (1 - k) * hour, count: 60, min: 0, max: 4 + k, mean: 1.5, unit: 'L/min', sector: `${run}-s1`, receivedAt: end }));
    await harness.producer.sendBatch(edgeStats.map((e) => ({ topic: pipeline.topics.edgeStats.name, key: billMeter, value: JSON.stringify(e) })));
    // A block command for the bill meter and its life (the command log records both topics).
    const issuedAt = end - 30 * minute;
    const command: Command = { commandId: `${run}-cmd1`, meterId: billMeter, type: 'block', params: { reason: 'DEBT', note: 'dashboard test' }, issuedAt: new Date(issuedAt).toISOString(), expiresAt: new Date(issuedAt + hour).toISOString(), issuedBy: 'test' };
    const events: CommandEvent[] = [
      { commandId: command.commandId, meterId: billMeter, state: 'delivered', source: 'bridge', seq: 1, at: issuedAt + 1000 },
      { commandId: command.commandId, meterId: billMeter, state: 'applied', source: 'device', seq: 1, at: issuedAt + 2000 },
    ];
    await harness.producer.sendBatch([
      { topic: pipeline.topics.commands.name, key: billMeter, value: JSON.stringify(command) },
      ...events.map((e) => ({ topic: pipeline.topics.commandAcks.name, key: billMeter, value: JSON.stringify(e) })),
    ]);

    // A running period's provisional bill with its projection (the Billing dashboard's "Projected
    // bills"): written as billing writes it, since whether a live period has 7 days read depends on the date.
    await pipeline.questdb.query(
      `INSERT INTO invoices (ts, invoice_id, meter_id, status, revision, period_label, period_end, issued_at, due_date, currency, consumption, consumption_unit, total_cents, total, projected_total_cents, projected_consumption, projection_coverage)
       VALUES ($1, $2, $3, 'provisional', 0, $4, $5, $6, '2099-01-10', 'BRL', 8000, 'L', 2415, '24.15', 9971, 24000, 0.3333)`,
      [new Date(nextPeriod).toISOString(), `${run}-m5/${new Date(nextPeriod).toISOString().slice(0, 10)}`, `${run}-m5`, new Date(nextPeriod).toISOString().slice(0, 10), new Date(nextPeriod + 30 * day).toISOString(), new Date(nextPeriod + 10 * day).toISOString()],
    );
    const like = `${run}-%`;
    const count = async (sql: string) => Number((await pipeline.questdb.query<{ n: string }>(sql, [like])).rows[0]?.n ?? 0);
    const probes = {
      readings: () => count(`SELECT count() n FROM readings WHERE meter_id::string LIKE $1`),
      rolling24h: () => count(`SELECT count() n FROM rolling_averages WHERE window_size = '24h' AND meter_id::string LIKE $1`),
      rollups: () => count(`SELECT count() n FROM rollups WHERE bucket = '1h' AND scope_id::string LIKE $1`),
      alerts: () => count(`SELECT count_distinct(rule_kind) n FROM alerts WHERE meter_id::string LIKE $1`),
      finalInvoices: () => count(`SELECT count() n FROM invoices WHERE status = 'final' AND meter_id::string LIKE $1`),
      lateReadings: () => count(`SELECT count() n FROM late_readings WHERE meter_id::string LIKE $1`),
      deadLetters: () => count(`SELECT count() n FROM dead_letters WHERE bridge_id::string LIKE $1`),
      commandEvents: () => count(`SELECT count() n FROM command_events WHERE meter_id::string LIKE $1`),
      commands: () => count(`SELECT count() n FROM commands WHERE meter_id::string LIKE $1`),
      edgeStats: () => count(`SELECT count() n FROM edge_stats WHERE meter_id::string LIKE $1`),
      // Two samples at least, so a counter's rate exists.
      sinkSamples: () => count(`SELECT count() n FROM service_metrics WHERE per_second IS NOT NULL AND instance::string LIKE $1`),
    };
    const expectedReadings = readings.length + 1;
    await waitFor(
      'every table filled',
      async () => Object.fromEntries(await Promise.all(Object.entries(probes).map(async ([k, f]) => [k, await f()] as const))) as Record<keyof typeof probes, number>,
      (c) => c.readings >= expectedReadings && c.rolling24h > 0 && c.rollups > 0 && c.alerts >= 2 && c.finalInvoices > 0 && c.lateReadings > 0 && c.deadLetters > 0 && c.commandEvents >= 2 && c.commands > 0 && c.edgeStats >= 2 && c.sinkSamples > 0,
      45_000,
      500,
    );
    for (const table of ['readings', 'rolling_averages', 'rollups', 'alerts', 'invoices', 'invoice_lines', 'late_readings', 'dead_letters', 'commands', 'command_events', 'edge_stats', 'service_metrics']) {
      await waitFor(`WAL applied on ${table}`, () => walApplied(pipeline.questdb, table), Boolean);
    }
  }, 90_000);

  afterAll(async () => {
    await harness?.stop();
    await pipeline?.stopAll();
  });

  it('covers every dashboard', () => {
    expect(new Set(queries.map((q) => q.dashboardUid)).size).toBe(allDashboards().length);
  });

  it.each(queries.map((q) => [`${q.dashboardUid} / ${q.panelTitle}`, q] as const))('%s runs and returns rows', async (_name, q) => {
    const sql = expandGrafanaMacros(q.rawSql!, { from, to, intervalMs: hour, variables: { meter: billMeter } });
    const { rows, fields } = await pipeline.questdb.query<Record<string, unknown>>(sql);
    expect(rows.length).toBeGreaterThan(0);
    if (q.format === 'time_series') {
      // Grafana's SQL datasources take the column named `time` as the time field; it needs a value column too.
      expect(fields[0]!.name).toBe('time');
      expect(rows[0]!.time).toBeInstanceOf(Date);
      expect(fields.length).toBeGreaterThanOrEqual(2);
    }
    // The shared QuestDB holds other runs' data too: where a fleet-wide result names sectors or
    // meters and is not cut by a LIMIT, this run's own must be among them.
    const own = fields.map((f) => f.name).find((n) => n === 'sector' || n === 'meter_id');
    if (own && !/\bLIMIT\b/.test(sql)) expect(rows.some((r) => String(r[own]).startsWith(pipeline.runId))).toBe(true);
  });

  // A dashboard variable is a URL parameter (?var-meter=…) anyone who can
  // open the dashboard can set. Whatever it holds, a panel sees only that literal meter id.
  describe('hostile variable values cannot inject SQL', () => {
    const withMeter = queries.filter((q) => /\$\{meter:sqlstring\}/.test(q.rawSql!));
    const hostile = () => [
      "x' OR '1'='1",
      `${billMeter}' OR '1'='1`,
      "x' OR meter_id::string LIKE '%",
      "x\\' OR 1=1 --",
      "x'; SELECT 1; --",
      "x'' OR ''1''=''1",
    ];

    it('the control: the hand-quoted pattern the dashboards used before lets a value read every meter', async () => {
      const flow = withMeter.find((q) => q.panelTitle.startsWith('Flow'))!;
      const handQuoted = flow.rawSql!.replace('${meter:sqlstring}', "'$meter'");
      const sql = expandGrafanaMacros(handQuoted, { from, to, intervalMs: hour, variables: { meter: "x' OR '1'='1" } });
      const { rows } = await pipeline.questdb.query(sql);
      expect(rows.length).toBeGreaterThan(0);
    });

    it('covers the meter detail panels', () => {
      expect(withMeter.length).toBeGreaterThanOrEqual(6);
    });

    it.each(withMeter.map((q) => [`${q.dashboardUid} / ${q.panelTitle}`, q] as const))('%s returns nothing for a hostile meter', async (_name, q) => {
      for (const value of hostile()) {
        const sql = expandGrafanaMacros(q.rawSql!, { from, to, intervalMs: hour, variables: { meter: value } });
        const { rows } = await pipeline.questdb.query(sql);
        expect({ value, rows: rows.length }).toEqual({ value, rows: 0 });
      }
    });
  });
});
