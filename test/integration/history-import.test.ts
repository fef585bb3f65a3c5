import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseReadingRanges } from '../../core/contracts';
import { silentLogger } from '../../core/logger';
import { questdbPgFromConfig } from '../../core/questdb/questdb-pg-options';
import { runHistoryImport, type HistoryImportOptions, type ImportSummary } from '../../history-import/history-import';
import { resolveImportMapping } from '../../history-import/import-mapping';
import { daiadFixture, daiadMonthlyConsumption, latestPerInstant, loadDaiadRows } from './support/daiad-oracle';
import { startTestProcessors, waterReading } from './support/processors-harness';
import { createTestPipeline, meterIdLike, walApplied, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';

// `npm run import` on the real stack: the DAIAD fixture (6 meters, a year of hourly registers,
// real faults and out-of-order rows) imported through Kafka into the sink and the processors.
// What is stored is checked against the file read independently (support/daiad-oracle.ts), the
// bills against the billing rule worked out there, and a re-run must add nothing.
const silentProgress = { update: () => undefined, end: () => undefined };

describe('history import (npm run import) on the real stack', () => {
  let pipeline: TestPipeline;
  let harness: Awaited<ReturnType<typeof startTestProcessors>>;
  const rows = loadDaiadRows(6);
  const meters = [...new Set(rows.map((r) => r.meter))];
  let options: (overrides: Partial<HistoryImportOptions> & { files: string[]; preset?: string; flags?: Record<string, unknown> }) => HistoryImportOptions;

  beforeAll(async () => {
    pipeline = createTestPipeline();
    await pipeline.startSink();
    harness = await startTestProcessors(pipeline, { MF_BILLING_TIME_ZONE: 'Europe/Madrid', MF_ROLLING_WINDOWS: '1h/1h', MF_ROLLUP_BUCKETS: '1h' });
    options = ({ preset = 'daiad', flags = {}, ...rest }) => ({
      mapping: resolveImportMapping({ preset, flags: { meterIdPrefix: `${pipeline.runId}-`, ...flags } }),
      dryRun: false,
      ratePerSecond: 0,
      waitStoredMs: 120_000,
      kafka: { brokers: pipeline.config.list('MF_KAFKA_BROKERS'), topics: pipeline.topics },
      questdb: questdbPgFromConfig(pipeline.config),
      limits: { maxFutureMs: 600_000, ranges: parseReadingRanges('') },
      progress: silentProgress,
      logger: silentLogger,
      ...rest,
    });
  }, 120_000);

  afterAll(async () => {
    await harness?.stop();
    await pipeline?.stopAll();
  });

  const id = (meter: string) => `${pipeline.runId}-${meter}`;
  const storedOf = async () => {
    const { rows: stored } = await pipeline.questdb.query<{ meter_id: string; ts: Date; register: number }>(`SELECT meter_id, ts, register FROM readings WHERE ${meterIdLike} ORDER BY meter_id, ts`, [`${pipeline.runId}-%`]);
    return stored.map((r) => `${r.meter_id} ${r.ts.getTime()} ${r.register}`);
  };

  it('a dry run reports what it would import and sends nothing', async () => {
    const summary = await runHistoryImport(options({ files: [daiadFixture], dryRun: true }));
    const expected = meters.reduce((n, m) => n + latestPerInstant(rows.filter((r) => r.meter === m)).length, 0);
    expect(summary).toMatchObject({ dryRun: true, meters: 6, readings: expected, imported: expected, alreadyStored: 0, stored: null });
    expect(summary.rowsRead).toBe(rows.length);
    expect(summary.identicalCopies + summary.superseded).toBe(rows.length - expected);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await storedOf()).toEqual([]);
  }, 120_000);

  it('stores every meter-instant of the file once (the later row winning an instant), and bills it as the independent rule says, none late', async () => {
    const summary = await runHistoryImport(options({ files: [daiadFixture] }));
    const expected = meters.flatMap((m) => latestPerInstant(rows.filter((r) => r.meter === m)).map((r) => `${id(r.meter)} ${r.ts} ${r.register}`)).sort();
    expect(summary.imported).toBe(expected.length);
    expect(summary.stored).toBe(expected.length);
    expect(summary.refused).toEqual({});
    expect(await storedOf()).toEqual(expected);

    // Close the last month: the imported meters go idle on the receive clock (ticks a day later)
    // and the partitions' watermark passes the end of February 2017 (ticks 20 days after it).
    const end = Math.max(...rows.map((r) => r.ts));
    await harness.closeThrough(end + 20 * 86_400_000);
    await harness.caughtUp();
    await waitFor('WAL applied on invoices', () => walApplied(pipeline.questdb, 'invoices'), Boolean);

    let compared = 0;
    for (const meter of meters) {
      const monthly = daiadMonthlyConsumption(rows.filter((r) => r.meter === meter));
      const { rows: invoices } = await pipeline.questdb.query<{ invoice_id: string; consumption: number }>(`SELECT invoice_id, consumption FROM invoices WHERE meter_id = $1 AND status IN ('final', 'adjusted')`, [id(meter)]);
      const billed = new Map<string, number>();
      for (const inv of invoices) billed.set(inv.invoice_id.split('/')[1]!, (billed.get(inv.invoice_id.split('/')[1]!) ?? 0) + inv.consumption);
      expect([...billed.keys()].sort()).toEqual([...monthly.keys()].sort());
      for (const [month, litres] of monthly) {
        if (Math.abs(billed.get(month)! - litres) > 0.01) throw new Error(`${meter} ${month}: billed ${billed.get(month)} L, expected ${litres} L`);
        compared += 1;
      }
    }
    expect(compared).toBeGreaterThanOrEqual(6 * 11);
    // Each meter's readings came in its own event-time order: no processor counted one late.
    const metrics = await harness.processors.metrics.render();
    const late = metrics.split('\n').filter((l) => l.startsWith('meterflow_processors_late_readings_total')).reduce((n, l) => n + Number(l.split(' ').pop()), 0);
    expect(late).toBe(0);
  }, 400_000);

  it('a reading older than an imported meter\'s history is late, and its evidence is kept by arrival time', async () => {
    const meter = id(meters[0]!);
    const arrival = Date.now();
    const eventTime = Date.UTC(2016, 5, 1, 12);
    await harness.send([waterReading(meter, eventTime, { register: 1, receivedAt: arrival })]);
    const rowsOf = async () =>
      (await pipeline.questdb.query<{ ts: Date; reading_ts: Date; processor: string }>(`SELECT ts, reading_ts, processor FROM late_readings WHERE meter_id = $1 ORDER BY processor`, [meter])).rows;
    const late = await waitFor('late_readings rows', rowsOf, (r) => r.length >= 2, 60_000, 500);
    // Billing had that June's bill final long ago, the alert rules had settled past it; rolling
    // averages take no rate from a register older than the meter's last one, so they have nothing to say.
    expect(late.map((r) => r.processor)).toEqual(['alerts', 'billing']);
    for (const row of late) {
      expect(row.ts.getTime()).toBe(arrival);
      expect(row.reading_ts.getTime()).toBe(eventTime);
    }
  }, 120_000);

  it('a re-run of the same file sends nothing and stores nothing new', async () => {
    const before = await storedOf();
    const summary = await runHistoryImport(options({ files: [daiadFixture] }));
    // Every meter-instant of the file is found stored (the ticks and the late reading above are no rows of it).
    const fileInstants = meters.reduce((n, m) => n + latestPerInstant(rows.filter((r) => r.meter === m)).length, 0);
    expect(summary).toMatchObject({ imported: 0, alreadyStored: fileInstants, stored: null });
    await new Promise((r) => setTimeout(r, 1500));
    expect(await storedOf()).toEqual(before);
  }, 120_000);

  it('refuses bad rows with their reason as queryable dead letters, keeps the good ones, and dead-letters each only once', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'mf-import-'));
    const file = path.join(dir, `hostile-${pipeline.runId}.csv.gz`);
    const first = meters[0]!;
    const stored = latestPerInstant(rows.filter((r) => r.meter === first))[0]!;
    const lines = [
      'user key;datetime;meter reading;diff',
      `good-1;01/03/2016 00:00:00;100;0`, // 2: good
      `good-1;31/02/2016 00:00:00;100;0`, // 3: no such date
      `good-1;01/03/2016 01:00:00;Null;0`, // 4: not a number
      `good-1;01/03/2016 02:00:00;-5;0`, // 5: register below 0
      `bad id;01/03/2016 03:00:00;100;0`, // 6: meter id with a space
      `good-1;"01/03/2016 04:00:00;100;0`, // 7: a quote left open
      `good-1`, // 8: too few columns
      `good-1;01/03/2016 05:00:00;4e+02;0`, // 9: good (scientific notation)
      // 10: an instant already stored by the import above, with another register
      `${first};${ddmmyyyy(stored.ts)};${stored.register + 1};0`,
    ];
    writeFileSync(file, gzipSync(lines.join('\n')));
    const dry = await runHistoryImport(options({ files: [file], dryRun: true }));
    expect(dry.refused).toEqual({ UNREADABLE_ROW: 4, VALUE_OUT_OF_RANGE: 1, INVALID_METER_ID: 1, STORED_READING_DIFFERS: 1 });
    expect(dry.imported).toBe(2);

    const summary = await runHistoryImport(options({ files: [file] }));
    expect(summary.refused).toEqual(dry.refused);
    expect(summary.stored).toBe(2);
    const { rows: good } = await pipeline.questdb.query<{ ts: Date; register: number }>(`SELECT ts, register FROM readings WHERE meter_id = $1 ORDER BY ts`, [`${pipeline.runId}-good-1`]);
    expect(good.map((r) => [r.ts.toISOString(), r.register])).toEqual([
      ['2016-02-29T23:00:00.000Z', 100],
      ['2016-03-01T04:00:00.000Z', 400],
    ]);
    // The stored reading was not rewritten.
    const { rows: kept } = await pipeline.questdb.query<{ register: number }>(`SELECT register FROM readings WHERE meter_id = $1 AND ts = $2`, [id(first), new Date(stored.ts).toISOString()]);
    expect(kept.map((r) => r.register)).toEqual([latestPerInstant(rows.filter((r) => r.meter === first))[0]!.register]);

    const letters = async () =>
      (await pipeline.questdb.query<{ reason: string; mqtt_topic: string; detail: string; payload_base64: string }>(`SELECT reason, mqtt_topic, detail, payload_base64 FROM dead_letters WHERE bridge_id = 'import' AND mqtt_topic LIKE $1 ORDER BY mqtt_topic`, [`import:${path.basename(file)}:%`])).rows;
    await waitFor('dead letters stored', letters, (l) => l.length === 7, 60_000, 500);
    const byLine = new Map((await letters()).map((l) => [Number(l.mqtt_topic.split(':').pop()), l]));
    expect([...byLine.keys()].sort((a, b) => a - b)).toEqual([3, 4, 5, 6, 7, 8, 10]);
    expect(byLine.get(3)).toMatchObject({ reason: 'UNREADABLE_ROW' });
    expect(byLine.get(3)!.detail).toContain('timestamp');
    expect(Buffer.from(byLine.get(4)!.payload_base64, 'base64').toString()).toBe(lines[3]);
    expect(byLine.get(5)).toMatchObject({ reason: 'VALUE_OUT_OF_RANGE' });
    expect(byLine.get(6)).toMatchObject({ reason: 'INVALID_METER_ID' });
    expect(byLine.get(10)).toMatchObject({ reason: 'STORED_READING_DIFFERS' });

    // Again: nothing sent, no second dead letter for the same rows.
    const again: ImportSummary = await runHistoryImport(options({ files: [file] }));
    expect(again.imported).toBe(0);
    await new Promise((r) => setTimeout(r, 3000));
    expect(await letters()).toHaveLength(7);
  }, 200_000);
});

/** dd/mm/yyyy HH:MM:SS in Madrid time, as the DAIAD file writes it. */
function ddmmyyyy(ts: number): string {
  const p = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Madrid', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).formatToParts(ts);
  const v = (t: string) => p.find((x) => x.type === t)!.value;
  return `${v('day')}/${v('month')}/${v('year')} ${v('hour')}:${v('minute')}:${v('second')}`;
}
