import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { lclScheduleToCalendar } from '../../core/tariffs/lcl-schedule';
import { lclBillingConfig, lclDtouTariff, lclStdTariff } from '../../core/tariffs/lcl-tariffs';
import { startTestProcessors } from './support/processors-harness';
import { createTestPipeline, walApplied, type TestPipeline } from './support/test-services';
import { householdHalfHours, scheduleBands } from './support/lcl-fixture';
import { importHistory } from './support/history-import';
import { waitFor } from './support/wait-for';

// Issue #13: a real London household (Low Carbon London, MAC003718, half-hourly kWh) imported
// with `npm run import --preset lcl` and billed on the trial's dynamic time-of-use tariff, whose
// calendar is converted from the trial's real 2013 schedule (`npm run tariff:lcl`'s module).
// Every month the file covers whole is compared, line by line and to the penny, with a
// computation done here from the two CSV files alone. A second copy of the household, on the
// flat Std tariff, is billed for comparison.
const datasets = process.env.MF_LCL_DATASET_DIR ?? path.resolve(__dirname, '../fixtures/lcl');
const householdFile = path.join(datasets, 'MAC003718_halfhourly.csv');
const scheduleFile = path.join(datasets, 'dToU_schedule_2013.csv');

/** Published prices in thousandths of a penny per kWh: High 67.20p, Low 3.99p, Normal 11.76p; Std 14.228p. */
const milliPence: Record<string, number> = { High: 67_200, Low: 3_990, Normal: 11_760, Std: 14_228 };
const halfHour = 1_800_000;

/**
 * Local midnight starting month `m` of `year` in London: GMT, except the 1sts from April to
 * October, which fall in British Summer Time (2012: 25 Mar-28 Oct; 2013: 31 Mar-27 Oct), when
 * midnight is 23:00 GMT the day before.
 */
const londonMonthStart = (year: number, m: number) => Date.UTC(year, m - 1, 1) - (m >= 4 && m <= 10 ? 3_600_000 : 0);

/** Pence for `wh` watt-hours at `rate` thousandths of a penny per kWh, half-up: wh × rate / 10⁶. */
const pence = (wh: number, rate: number) => Math.floor((wh * rate + 500_000) / 1_000_000);

interface ExpectedLine {
  period: string | null;
  quantity: number;
  amountCents: number;
}

describe('LCL household on the 2013 dynamic time-of-use tariff (real stack)', () => {
  let pipeline: TestPipeline;
  let harness: Awaited<ReturnType<typeof startTestProcessors>>;
  const id = (prefix: string) => `${pipeline.runId}-${prefix}MAC003718`;

  beforeAll(async () => {
    if (!existsSync(householdFile) || !existsSync(scheduleFile)) throw new Error(`the LCL data set is not in ${datasets} (set MF_LCL_DATASET_DIR)`);
    pipeline = createTestPipeline();
    // The bill under test uses the converter's calendar; the expectation below reads the CSV itself.
    const schedule = lclScheduleToCalendar(readFileSync(scheduleFile, 'utf8'), { source: path.basename(scheduleFile) });
    const config = lclBillingConfig(lclDtouTariff(schedule), lclStdTariff(), [id('')]);
    const configFile = path.join(mkdtempSync(path.join(tmpdir(), 'mf-lcl-')), 'billing.json');
    writeFileSync(configFile, JSON.stringify(config));
    harness = await startTestProcessors(pipeline, {
      MF_BILLING_CONFIG_FILE: configFile,
      MF_BILLING_TIME_ZONE: 'Europe/London',
      MF_BILLING_KINDS: 'electricity',
      MF_ROLLING_WINDOWS: '1h/1h',
      MF_ROLLUP_BUCKETS: '1h',
    });
  }, 120_000);

  afterAll(async () => {
    await harness?.stop();
    await pipeline?.stopAll();
  });

  it('bills every whole month to the penny: dToU line per band, and the same household on Std', async () => {
    // The same file twice: `<run>-MAC003718` on dToU, `<run>-std-MAC003718` on Std (the default).
    for (const prefix of ['', 'std-']) {
      const summary = await importHistory(pipeline, { files: [householdFile], preset: 'lcl', meterIdPrefix: `${pipeline.runId}-${prefix}` });
      // One meter; the one refused row is the `Null` quantity of 18/12/2012 15:24:01.
      expect(summary.meters).toBe(1);
      expect(Object.values(summary.refused).reduce((n, c) => n + (c ?? 0), 0)).toBe(1);
    }

    // Close the months: the meters go idle on the receive clock (ticks a day later) and every
    // partition's watermark passes the end of October 2013 + 3 days of grace (ticks 20 days
    // after the last half hour). The ticks are water meters: not billed (MF_BILLING_KINDS).
    const halfHours = householdHalfHours(readFileSync(householdFile, 'utf8'));
    const end = Math.max(...halfHours.keys()) + halfHour;
    await harness.closeThrough(end + 20 * 86_400_000);
    await harness.caughtUp();
    await waitFor('WAL applied on invoices', () => walApplied(pipeline.questdb, 'invoices'), Boolean);
    await waitFor('WAL applied on invoice_lines', () => walApplied(pipeline.questdb, 'invoice_lines'), Boolean);

    // The expectation, from the CSV files alone: each half hour's Wh in the band the schedule
    // gives the half hour starting at its DateTime (Normal outside 2013, as the tariff's default),
    // summed per London month and band, × the published price, rounded half-up per line.
    const bands = scheduleBands(readFileSync(scheduleFile, 'utf8'));
    // Whole months of the file: it runs from 17 Oct 2012 13:00 to 16 Oct 2013 00:30 GMT.
    const months = [[2012, 11], [2012, 12], ...Array.from({ length: 9 }, (_, k) => [2013, k + 1])] as Array<[number, number]>;
    const expected = new Map<string, { dtou: ExpectedLine[]; std: ExpectedLine[]; wh: number }>();
    for (const [year, m] of months) {
      const from = londonMonthStart(year, m);
      const to = m === 12 ? londonMonthStart(year + 1, 1) : londonMonthStart(year, m + 1);
      const byBand: Record<string, number> = { High: 0, Low: 0, Normal: 0 };
      let wh = 0;
      for (const [ts, q] of halfHours) {
        if (ts < from || ts >= to) continue;
        byBand[bands.get(ts) ?? 'Normal']! += q;
        wh += q;
      }
      const label = `${year}-${String(m).padStart(2, '0')}-01`;
      expected.set(label, {
        // The tariff's bands in its order (High, Low, Normal); a band unused in the month has no line.
        dtou: ['High', 'Low', 'Normal'].filter((b) => byBand[b]! > 0).map((b) => ({ period: b, quantity: byBand[b]! / 1000, amountCents: pence(byBand[b]!, milliPence[b]!) })),
        std: [{ period: null, quantity: wh / 1000, amountCents: pence(wh, milliPence.Std!) }],
        wh,
      });
    }
    // 2013's schedule has High and Low in every month (788 and 1,660 half hours in the year).
    expect([...expected.entries()].filter(([label]) => label.startsWith('2013')).every(([, e]) => e.dtou.length === 3)).toBe(true);

    for (const [prefix, tariffId, kind] of [['', 'lcl-dtou', 'tou'], ['std-', 'lcl-std', 'tier']] as const) {
      const meter = id(prefix);
      const { rows: invoices } = await pipeline.questdb.query<{ invoice_id: string; period_label: string; status: string; currency: string; consumption: number; total_cents: number }>(
        `SELECT invoice_id, period_label, status, currency, consumption, total_cents FROM invoices WHERE meter_id = $1 AND status IN ('final', 'adjusted') ORDER BY ts`,
        [meter],
      );
      // One final bill per month from October 2012 to October 2013, none adjusted (nothing came late).
      expect(invoices.map((i) => `${i.period_label} ${i.status}`)).toEqual(['2012-10-01', '2012-11-01', '2012-12-01', ...Array.from({ length: 10 }, (_, k) => `2013-${String(k + 1).padStart(2, '0')}-01`)].map((l) => `${l} final`));
      for (const [label, e] of expected) {
        const invoice = invoices.find((i) => i.period_label === label)!;
        const want = prefix === '' ? e.dtou : e.std;
        const { rows: lines } = await pipeline.questdb.query<{ kind: string; tariff_id: string; tier: number; tou_period: string | null; quantity: number; amount_cents: number }>(
          `SELECT kind, tariff_id, tier, tou_period, quantity, amount_cents FROM invoice_lines WHERE invoice_id = $1 AND status = 'final' ORDER BY line_no`,
          [invoice.invoice_id],
        );
        const got = lines.map((l) => ({ period: l.tou_period, quantity: l.quantity, amountCents: Number(l.amount_cents) }));
        if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`${meter} ${label}: lines ${JSON.stringify(got)}, expected ${JSON.stringify(want)}`);
        expect(lines.every((l) => l.kind === kind && l.tariff_id === tariffId && Number(l.tier) === 1)).toBe(true);
        expect(invoice.currency).toBe('GBP');
        expect(invoice.consumption).toBe(e.wh / 1000);
        expect(Number(invoice.total_cents)).toBe(want.reduce((n, l) => n + l.amountCents, 0));
      }
    }
  }, 400_000);
});
