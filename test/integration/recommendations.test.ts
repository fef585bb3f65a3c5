import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Reading } from '../../core/contracts';
import { lclScheduleToCalendar } from '../../core/tariffs/lcl-schedule';
import { lclDtouTariff } from '../../core/tariffs/lcl-tariffs';
import { startTestGraphql, type GraphqlHarness } from './support/graphql-harness';
import { startTestProcessors, waterReading, type TestProcessors } from './support/processors-harness';
import { createTestPipeline, walApplied, type TestPipeline } from './support/test-services';
import { householdHalfHours, scheduleBands } from './support/lcl-fixture';
import { firstSseEvent } from './support/sse-subscription';
import { importHistory } from './support/history-import';
import { waitFor } from './support/wait-for';

// Issue #14 part 1: savings recommendations through the real API on the real stack. The LCL
// household (the same file and dToU schedule as lcl-tou-bill.test.ts) imported with the lcl
// preset, registered to customer 1 on the trial's dynamic ToU tariff published through the API;
// its TOU_SHIFT saving is compared with a computation done here from the two CSV files alone.
// A water meter with a constant flow (a leak that never stops, day and night) goes through the
// real processors, which raise the leak alerts; its LEAK recommendation is the hand-computed
// yearly cost. Customer 2 is refused both meters.
const datasets = process.env.MF_LCL_DATASET_DIR ?? path.resolve(__dirname, '../fixtures/lcl');
const householdFile = path.join(datasets, 'MAC003718_halfhourly.csv');
const scheduleFile = path.join(datasets, 'dToU_schedule_2013.csv');
const halfHour = 1_800_000;
const day = 86_400_000;

const fields = 'kind title savingPerYear savingPerYearCents currency quantityPerYear unit computation tariffId windowFrom windowTo peakHours targetHours fromBand toBand fromPrice toPrice share alertIds';
const query = `query ($id: ID!) { meter(id: $id) { id recommendations { ${fields} } } }`;

interface RecommendationJson {
  kind: string;
  title: string;
  savingPerYear: string;
  savingPerYearCents: number;
  currency: string;
  quantityPerYear: number;
  unit: string;
  computation: string[];
  tariffId: string;
  windowFrom: string;
  windowTo: string;
  peakHours: number[] | null;
  targetHours: number[] | null;
  fromBand: string | null;
  toBand: string | null;
  fromPrice: number | null;
  toPrice: number | null;
  share: number | null;
  alertIds: string[] | null;
}

describe('savings recommendations (real stack)', () => {
  let pipeline: TestPipeline;
  let graphql: GraphqlHarness;
  let processors: TestProcessors;
  const lclMeter = () => `${pipeline.runId}-MAC003718`;
  const leakMeter = () => `${pipeline.runId}-leak`;

  const recommendations = async (meterId: string, key: string) => {
    const response = await graphql.request<{ meter: { recommendations: RecommendationJson[] } }>(query, { id: meterId }, key);
    if (response.errors) throw new Error(JSON.stringify(response.errors));
    return response.data!.meter.recommendations;
  };

  beforeAll(async () => {
    if (!existsSync(householdFile) || !existsSync(scheduleFile)) throw new Error(`the LCL data set is not in ${datasets} (set MF_LCL_DATASET_DIR)`);
    pipeline = createTestPipeline();
    await pipeline.startSink();
    // Billing of water only: the household's bills are lcl-tou-bill.test.ts's business.
    processors = await startTestProcessors(pipeline, { MF_BILLING_KINDS: 'water' });
    graphql = await startTestGraphql(pipeline);
  }, 120_000);

  afterAll(async () => {
    await graphql?.stop();
    await processors?.stop();
    await pipeline?.stopAll();
  });

  it('LCL household on dToU: the shift saving equals the computation from the CSV files', async () => {
    // The trial's tariff, published through the API under a run-unique id, and the meter registered on it.
    const schedule = lclScheduleToCalendar(readFileSync(scheduleFile, 'utf8'), { source: path.basename(scheduleFile) });
    const tariffId = `${pipeline.runId}-dtou`;
    const published = await graphql.request(`mutation ($t: JSONObject!) { publishTariff(tariff: $t, effectiveFrom: "2012-01-01") { id } }`, { t: lclDtouTariff(schedule, { id: tariffId }) });
    expect(published.errors).toBeUndefined();
    const registered = await graphql.request(
      `mutation ($id: ID!, $c: ID!, $t: ID!) { registerMeter(meterId: $id, input: { kind: electricity, customerId: $c, timeZone: "Europe/London", tariffId: $t }) { id } }`,
      { id: lclMeter(), c: graphql.customerIds.c1, t: tariffId },
    );
    expect(registered.errors).toBeUndefined();

    const summary = await importHistory(pipeline, { files: [householdFile], preset: 'lcl', meterIdPrefix: `${pipeline.runId}-` });
    expect(summary.meters).toBe(1);

    // The expectation, from the CSV files alone. The window: the 90 days up to the household's
    // last reading, the end of its last half hour (16/10/2013 00:00 + 30 min). The High band's
    // Wh = the half hours wholly inside it whose start the schedule puts in High.
    const halfHours = householdHalfHours(readFileSync(householdFile, 'utf8'));
    const to = Math.max(...halfHours.keys()) + halfHour;
    const from = to - 90 * day;
    expect(new Date(to).toISOString()).toBe('2013-10-16T00:30:00.000Z');
    const bands = scheduleBands(readFileSync(scheduleFile, 'utf8'));
    let highWh = 0;
    let highHalfHours = 0;
    const highHours = new Set<number>();
    for (const [ts, wh] of halfHours) {
      if (ts < from || ts + halfHour > to || bands.get(ts) !== 'High') continue;
      highWh += wh;
      highHalfHours++;
      // London is on BST (GMT+1) until 27 October 2013: the local hour of the half hour.
      if (wh > 0) highHours.add((new Date(ts).getUTCHours() + 1) % 24);
    }
    expect(highHalfHours).toBeGreaterThan(0);
    // 20 % of the High kWh moved to Low: × (67.20p − 3.99p = 63.21p) × 365 / 90, in pence, half-up:
    // pence = highWh/1000 × 0.2 × 63.21 × 365/90 = highWh × 2 × 6321 × 365 / (1000 × 10 × 100 × 90).
    const numerator = BigInt(highWh) * 2n * 6321n * 365n;
    const denominator = 90_000_000n;
    const expectedPence = Number((2n * numerator + denominator) / (2n * denominator));

    await waitFor('WAL applied on readings', () => walApplied(pipeline.questdb, 'readings'), Boolean);
    const list = await waitFor('the household’s readings stored', () => recommendations(lclMeter(), graphql.keys.customer1), (l) => l.some((r) => r.kind === 'TOU_SHIFT' && r.windowTo === new Date(to).toISOString()), 120_000, 1000);
    const shift = list.find((r) => r.kind === 'TOU_SHIFT')!;
    process.stderr.write(`LCL TOU_SHIFT: High ${highWh} Wh in ${highHalfHours} half hours → ${shift.savingPerYear} GBP/year (expected ${expectedPence}p)\n${shift.computation.join('\n')}\n`);
    expect([shift.windowFrom, shift.windowTo]).toEqual([new Date(from).toISOString(), new Date(to).toISOString()]);
    expect(shift.savingPerYearCents).toBe(expectedPence);
    expect(shift.savingPerYear).toBe(`${Math.floor(expectedPence / 100)}.${String(expectedPence % 100).padStart(2, '0')}`);
    expect([shift.currency, shift.unit, shift.tariffId, shift.fromBand, shift.toBand, shift.fromPrice, shift.toPrice, shift.share]).toEqual(['GBP', 'kWh', tariffId, 'High', 'Low', 0.672, 0.0399, 0.2]);
    expect(shift.quantityPerYear).toBeCloseTo(((highWh / 1000) * 0.2 * 365) / 90, 2);
    expect(shift.peakHours).toEqual([...highHours].sort((a, b) => a - b));
    // Ranked by money saved per year, most first.
    const cents = list.map((r) => r.savingPerYearCents);
    expect(cents).toEqual([...cents].sort((a, b) => b - a));
    // No leak alert, no blocks, no sector: only the shift and the always-on floor apply.
    expect(list.map((r) => r.kind).sort()).toEqual(['STANDBY', 'TOU_SHIFT']);

    // STANDBY, from the files too: the whole UTC hours inside the window (01:00 on 18 July to
    // 00:00 on 16 October), each the sum of its two half hours; the floor is the 10th percentile
    // (nearest rank); half of it × 8,760 h is priced at the bands' rates averaged over the time
    // each was in force in the window (half hours by their start's band).
    const hourly: number[] = [];
    for (let h = Math.ceil(from / 3_600_000) * 3_600_000; h + 3_600_000 <= to; h += 3_600_000) hourly.push((halfHours.get(h) ?? 0) + (halfHours.get(h + halfHour) ?? 0));
    hourly.sort((a, b) => a - b);
    const floorWh = hourly[Math.ceil(0.1 * hourly.length) - 1]!;
    const milliPence: Record<string, number> = { High: 67_200, Low: 3_990, Normal: 11_760 };
    let rateSum = 0;
    let slots = 0;
    for (let t = from; t < to; t += halfHour, slots++) rateSum += milliPence[bands.get(t) ?? 'Normal']!;
    // pence = floorWh/1000 kWh × 8,760 × 0.5 × (rateSum / slots) milli-pence / 1000.
    const standbyNumerator = BigInt(floorWh) * 8760n * BigInt(rateSum);
    const standbyDenominator = BigInt(slots) * 2_000_000n;
    const expectedStandby = Number((2n * standbyNumerator + standbyDenominator) / (2n * standbyDenominator));
    const standby = list.find((r) => r.kind === 'STANDBY')!;
    process.stderr.write(`LCL STANDBY: floor ${floorWh} Wh/h over ${hourly.length} hours → ${standby.savingPerYear} GBP/year (expected ${expectedStandby}p)\n${standby.computation.join('\n')}\n`);
    expect(floorWh).toBeGreaterThan(0);
    expect(standby.savingPerYearCents).toBe(expectedStandby);
    expect(standby.quantityPerYear).toBeCloseTo((floorWh / 1000) * 8760 * 0.5, 3);

    // Another customer: FORBIDDEN.
    const refused = await graphql.request(query, { id: lclMeter() }, graphql.keys.customer2);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(refused.data?.meter ?? null).toBeNull();

    // The household moves to customer 2 on 1 October 2013 (local midnight: 30 September 23:00
    // GMT): customer 2's window starts at the move-in, never before, and customer 1 no longer
    // reads the meter.
    const moved = await graphql.request(`mutation ($m: ID!, $c: ID!) { changeMeterOwner(meterId: $m, customerId: $c, from: "2013-10-01", note: "move") { meterId } }`, { m: lclMeter(), c: graphql.customerIds.c2 });
    expect(moved.errors).toBeUndefined();
    const theirs = await waitFor('the move applied', async () => (await graphql.request<{ meter: { recommendations: RecommendationJson[] } }>(query, { id: lclMeter() }, graphql.keys.customer2)).data?.meter.recommendations ?? null, (l) => l !== null && l.length > 0, 30_000, 500);
    expect(theirs!.every((r) => r.windowFrom === '2013-09-30T23:00:00.000Z' && r.windowTo === new Date(to).toISOString())).toBe(true);
    const former = await graphql.request(query, { id: lclMeter() }, graphql.keys.customer1);
    expect(former.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  }, 300_000);

  it('a simulated leak: the LEAK recommendation costs the leak rate × 8,760 h × the marginal price', async () => {
    // Water at 5.00/m³ above 10 m³ per 30 days (2.00 below), run-unique.
    const tariffId = `${pipeline.runId}-water`;
    const sector = `${pipeline.runId}-s`;
    const published = await graphql.request(`mutation ($t: JSONObject!) { publishTariff(tariff: $t, effectiveFrom: "2020-01-01") { id } }`, {
      t: { id: tariffId, currency: 'BRL', unit: 'm3', blocks: [{ upTo: 10, rate: 2 }, { upTo: null, rate: 5 }] },
    });
    expect(published.errors).toBeUndefined();
    const registered = await graphql.request(
      `mutation ($id: ID!, $c: ID!, $t: ID!, $s: String!) { registerMeter(meterId: $id, input: { kind: water, customerId: $c, timeZone: "UTC", tariffId: $t, sector: $s }) { id } }`,
      { id: leakMeter(), c: graphql.customerIds.c1, t: tariffId, s: sector },
    );
    expect(registered.errors).toBeUndefined();

    // Three days of a constant 0.5 L/min (30 L/h, day and night), a reading every 10 minutes with
    // its register, ending three days ago (event times stay in the past: QuestDB's TTLs).
    const start = Math.floor((Date.now() - 6 * day) / 3_600_000) * 3_600_000;
    const readings: Reading[] = [];
    for (let k = 0; k <= 3 * 144; k++) readings.push(waterReading(leakMeter(), start + k * 600_000, { value: 0.5, register: 1000 + k * 5, sector, receivedAt: Date.now() - 60_000 }));
    // Four neighbours of the sector over the same three days, an hourly register: 100, 200, 300 and 400 L a day.
    for (const perDay of [100, 200, 300, 400]) {
      for (let h = 0; h <= 72; h++) readings.push(waterReading(`${pipeline.runId}-peer-${perDay}`, start + h * 3_600_000, { register: (perDay / 24) * h, sector, receivedAt: Date.now() - 60_000 }));
    }
    await processors.send(readings);
    await processors.closeThrough(start + 4 * day);
    await processors.caughtUp();

    const open = await waitFor(
      'the continuous-flow alert open',
      async () => {
        await walApplied(pipeline.questdb, 'alerts');
        const { rows } = await pipeline.questdb.query<{ alert_id: string; rule_kind: string; state: string; evidence: string }>(
          `SELECT alert_id, rule_kind, state, evidence FROM alerts WHERE meter_id = $1 LATEST ON ts PARTITION BY alert_id`,
          [leakMeter()],
        );
        return rows;
      },
      (rows) => rows.some((r) => r.rule_kind === 'continuous-flow' && r.state === 'open'),
      120_000,
      500,
    );
    const continuous = open.find((r) => r.rule_kind === 'continuous-flow')!;
    expect(JSON.parse(continuous.evidence).leakRateLph).toBe(30);

    const list = await waitFor('the leak’s readings stored', () => recommendations(leakMeter(), graphql.keys.customer1), (l) => l.some((r) => r.kind === 'LEAK'), 60_000, 1000);
    const leak = list.find((r) => r.kind === 'LEAK')!;
    process.stderr.write(`LEAK: ${leak.savingPerYear} ${leak.currency}/year\n${leak.computation.join('\n')}\n`);
    // 30 L/h × 8,760 h = 262,800 L = 262.8 m³ a year; the meter uses 0.72 m³ a day, 2.16 m³ in the
    // 3-day window, above the first block (10 × 3/30 = 1 m³): the next m³ costs 5.00.
    // 262.8 × 5.00 = 1,314.00 BRL a year if unrepaired.
    expect([leak.savingPerYear, leak.savingPerYearCents, leak.currency, leak.unit, leak.quantityPerYear]).toEqual(['1314.00', 131_400, 'BRL', 'm3', 262.8]);
    expect(leak.alertIds).toEqual(expect.arrayContaining([continuous.alert_id]));
    expect(list[0]!.kind).toBe('LEAK');

    // Among its sector: 720 L a day against 100-400, so every other meter uses less (percentile
    // 100). Median of 100, 200, 300, 400 and 720 L a day = 300; 420 L a day above it × 365 =
    // 153.3 m³ × 5.00 = 766.50 BRL a year.
    const peers = (await graphql.request<{ meter: { recommendations: Array<RecommendationJson & { percentile: number; peers: number }> } }>(`query ($id: ID!) { meter(id: $id) { recommendations { kind savingPerYear quantityPerYear percentile peers } } }`, { id: leakMeter() }, graphql.keys.customer1)).data!.meter.recommendations.find((r) => r.kind === 'PEER_COMPARISON')!;
    expect([peers.percentile, peers.peers, peers.savingPerYear]).toEqual([100, 5, '766.50']);
    expect(peers.quantityPerYear).toBeCloseTo(153.3, 3);

    const refused = await graphql.request(query, { id: leakMeter() }, graphql.keys.customer2);
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  }, 300_000);

  it('recommendationsChanged: a first update with every kind as added; another customer FORBIDDEN', async () => {
    // The leak meter of the test above (its readings and open alerts).
    const subscription = `subscription ($id: ID!) { recommendationsChanged(meterId: $id, everySeconds: 60) { meterId kinds added recommendations { kind savingPerYear } } }`;
    const first = await firstSseEvent(graphql.url, graphql.keys.customer1, subscription, { id: leakMeter() });
    const update = first.data?.recommendationsChanged as { meterId: string; kinds: string[]; added: string[]; recommendations: { kind: string; savingPerYear: string }[] };
    expect(update.meterId).toBe(leakMeter());
    expect(update.kinds[0]).toBe('LEAK');
    expect(update.kinds).toEqual(expect.arrayContaining(['LEAK', 'PEER_COMPARISON', 'TIER_THRESHOLD']));
    expect(update.added).toEqual(update.kinds);
    expect(update.recommendations.find((r) => r.kind === 'LEAK')!.savingPerYear).toBe('1314.00');
    const refused = await firstSseEvent(graphql.url, graphql.keys.customer2, subscription, { id: leakMeter() });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const tooOften = await firstSseEvent(graphql.url, graphql.keys.customer1, subscription.replace('everySeconds: 60', 'everySeconds: 5'), { id: leakMeter() });
    expect(tooOften.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  }, 60_000);
});
