import { isMeterflowError } from '../../../../core/errors';
import {
  advanceRuleWatermark,
  applyGroupInput,
  applyRuleInput,
  createGroupState,
  createRuleState,
  defaultAlertRules,
  parseAlertRulesConfig,
  type AlertEvent,
  type GroupInput,
} from '../../../../processors/alert-rules';
import { drive, m, perMinute, reading, summary, T0 } from './helpers';

const config = parseAlertRulesConfig();

describe('silent meter (10 × 60 s = 600 s by default)', () => {
  const silentOnly = parseAlertRulesConfig({ rules: [defaultAlertRules[2]] });

  it('opens at last reading + 600 s once the watermark is past it, closes at the next reading', () => {
    // Readings every minute 0..10, then silence; other meters move the watermark.
    const { state, events } = drive(perMinute('w1', 0, 11, () => 1).map((r) => ({ ...r, kind: 'water' as const })), silentOnly);
    expect(events).toEqual([]);
    // Exactly 600 s after the last reading (minute 20) is not yet silence.
    expect(advanceRuleWatermark(state, m(20), silentOnly)).toEqual([]);
    const opened = advanceRuleWatermark(state, m(20) + 1, silentOnly);
    expect(summary(opened)).toEqual([['silent-meter', 'open', 10, 20]]);
    expect(opened[0]!.evidence).toMatchObject({ lastReadingAt: m(10), timeoutSeconds: 600 });
    // Further watermarks add nothing; the reading at minute 25 closes it.
    expect(advanceRuleWatermark(state, m(24), silentOnly)).toEqual([]);
    expect(applyRuleInput(state, { type: 'reading', reading: reading('w1', m(25), 1, 'water') }, silentOnly).events).toEqual([]);
    const closed = advanceRuleWatermark(state, m(25), silentOnly);
    expect(summary(closed)).toEqual([['silent-meter', 'closed', 10, 25]]);
    expect(closed[0]!.alertId).toBe(opened[0]!.alertId);
  });

  it('finds a gap from the readings alone (no watermark in between), and honours a per-meter interval', () => {
    // A gap from minute 10 to 25 (15 min) → open at 20, closed at 25, both when minute 25 settles.
    const gap = [reading('w1', m(0), 1, 'water'), reading('w1', m(10), 1, 'water'), reading('w1', m(25), 1, 'water')];
    expect(summary(drive(gap, silentOnly).events)).toEqual([
      ['silent-meter', 'open', 10, 20],
      ['silent-meter', 'closed', 10, 25],
    ]);
    // A meter reporting every 15 min, silent after 3 intervals = 45 min: a 15-min gap is normal.
    const slow = parseAlertRulesConfig({ rules: [defaultAlertRules[2]], overrides: { meters: { w1: { 'silent-meter': { reportingIntervalSeconds: 900, multiple: 3 } } } } });
    expect(drive(gap, slow).events).toEqual([]);
  });
});

describe('silent meter: the reporting interval is learned from the meter itself', () => {
  const silentOnly = parseAlertRulesConfig({ rules: [defaultAlertRules[2]] });
  const hourly = (hours: number[]) => hours.map((h) => reading('w1', m(h * 60), 1, 'water'));

  it('a meter reporting hourly is not silent between its readings; silent after 10 of its hours', () => {
    // Hand-worked: gaps of 60 min from the 5th reading on (4 gaps learned) → interval 60 min, timeout 600 min.
    // With the 60 s floor alone the first 4 gaps (60 min > 10 min) each open and close a silence.
    const { state, events } = drive(hourly([0, 1, 2, 3, 4, 5, 6, 7]), silentOnly);
    expect(summary(events).filter(([, s]) => s === 'open').map(([, , from]) => from)).toEqual([0, 60, 120, 180]);
    expect(advanceRuleWatermark(state, m(7 * 60 + 600), silentOnly)).toEqual([]);
    const opened = advanceRuleWatermark(state, m(7 * 60 + 600) + 1, silentOnly);
    expect(summary(opened)).toEqual([['silent-meter', 'open', 420, 1020]]);
    expect(opened[0]!.evidence).toMatchObject({ timeoutSeconds: 36_000, reportingIntervalSeconds: 3600, configuredIntervalSeconds: 60, multiple: 10 });
  });

  it('one long silence does not stretch the learned interval (median of the last 8 gaps)', () => {
    // Hourly for 9 readings, a 30-hour silence, then hourly again: the next 11-hour gap is still silence.
    const hours = [0, 1, 2, 3, 4, 5, 6, 7, 8, 38, 39, 50];
    const opens = summary(drive(hourly(hours), silentOnly).events).filter(([, s]) => s === 'open').map(([, , from, at]) => [from, at]);
    expect(opens.slice(-2)).toEqual([
      [8 * 60, 18 * 60],
      [39 * 60, 49 * 60],
    ]);
  });

  it('takes the interval the meter\'s registry record states over the learned one', () => {
    // Registered for 15 min (900 s): timeout 10 × 15 = 150 min from the first reading on, whatever it
    // shows; the hourly gaps (60 min < 150) open nothing, and no floor-only silences as in the first test.
    const state = createRuleState('w1');
    state.registeredIntervalMs = 900_000;
    const { events } = drive(hourly([0, 1, 2, 3, 4, 5, 6, 7]), silentOnly, { state });
    expect(events).toEqual([]);
    expect(advanceRuleWatermark(state, m(7 * 60 + 150), silentOnly)).toEqual([]);
    const opened = advanceRuleWatermark(state, m(7 * 60 + 150) + 1, silentOnly);
    // Learned alone it would wait 600 min (the first test): the registry's 150 min count.
    expect(summary(opened)).toEqual([['silent-meter', 'open', 420, 570]]);
    expect(opened[0]!.evidence).toMatchObject({ timeoutSeconds: 9000, reportingIntervalSeconds: 900 });
  });

  it('never learns an interval below the configured floor', () => {
    // Readings every 10 s: the floor (60 s) holds, so a 9-minute gap is not silence and an 11-minute one is.
    const fast = Array.from({ length: 20 }, (_, i) => reading('w1', T0 + i * 10_000, 1, 'water'));
    const last = T0 + 19 * 10_000;
    const events = drive([...fast, reading('w1', last + 9 * 60_000, 1, 'water'), reading('w1', last + 20 * 60_000 + 1, 1, 'water')], silentOnly).events;
    expect(events.filter((e) => e.state === 'open').map((e) => (e.at - last) / 60_000)).toEqual([9 + 10]);
  });
});

describe('above the group average by a factor', () => {
  // Fleet average over the day 100 L from 4 meters; factor 2 → above 200 L alerts.
  const day = 24 * 3_600_000;
  const w = (meterId: string, k: number, consumption: number): GroupInput => ({ type: 'meter-window', meterId, sector: 's1', windowStart: T0 + k * day, windowEnd: T0 + (k + 1) * day, consumption });
  const agg = (k: number, average: number, meterCount = 4): GroupInput => ({ type: 'group-window', group: 'fleet', windowStart: T0 + k * day, windowEnd: T0 + (k + 1) * day, average, meterCount });
  const run = (inputs: GroupInput[]) => {
    const state = createGroupState('fleet');
    return inputs.flatMap((i) => applyGroupInput(state, i, config));
  };

  it('opens for a meter above 2 × average, whichever half of the join comes first, and closes the first window it is not', () => {
    const day0 = [w('m1', 0, 250), w('m2', 0, 150), w('m3', 0, 0), w('m4', 0, 0)];
    const day1 = [w('m1', 1, 180), w('m2', 1, 20)];
    const metersFirst = run([...day0, agg(0, 100), ...day1, agg(1, 100)]);
    const aggregateFirst = run([agg(0, 100), ...day0, agg(1, 100), ...day1]);
    const rows = (ev: AlertEvent[]) => ev.map((e) => [e.meterId, e.state, (e.startedAt - T0) / day, (e.at - T0) / day]);
    // m1: 250 > 200 on day 0 → open (at the window end, day 1); 180 ≤ 200 on day 1 → closed at day 2. m2: 150, never.
    expect(rows(metersFirst)).toEqual([
      ['m1', 'open', 0, 1],
      ['m1', 'closed', 0, 2],
    ]);
    expect(rows(aggregateFirst)).toEqual(rows(metersFirst));
    expect(metersFirst[0]!.evidence).toMatchObject({ consumption: 250, groupAverage: 100, ratio: 2.5, factor: 2, group: 'fleet' });
  });

  it('does not compare against a group smaller than minGroupSize (3)', () => {
    expect(run([w('m1', 0, 500), agg(0, 100, 2)])).toEqual([]);
  });

  it('a sector-scope rule compares with the sector aggregate only', () => {
    const sectorConfig = parseAlertRulesConfig({ rules: [{ id: 'above-sector-average', kind: 'above-group-average', scope: 'sector', factor: 1.5 }] });
    const s1 = createGroupState('s1');
    const ev = [
      ...applyGroupInput(s1, w('m1', 0, 160), sectorConfig),
      ...applyGroupInput(s1, { type: 'group-window', group: 's1', windowStart: T0, windowEnd: T0 + day, average: 100, meterCount: 5 }, sectorConfig),
    ];
    expect(ev.map((e) => [e.rule, e.meterId, e.state])).toEqual([['above-sector-average', 'm1', 'open']]);
    // The default (fleet-scope) rule ignores a sector's group.
    expect(applyGroupInput(createGroupState('s1'), { type: 'group-window', group: 's1', windowStart: T0, windowEnd: T0 + day, average: 10, meterCount: 5 }, config)).toEqual([]);
  });
});

describe('bill variation (≥ 30 % above the previous period)', () => {
  const jan = { periodStart: Date.parse('2026-01-01T00:00:00Z'), periodEnd: Date.parse('2026-02-01T00:00:00Z') };
  const feb = { periodStart: jan.periodEnd, periodEnd: Date.parse('2026-03-01T00:00:00Z') };
  const bill = (period: typeof jan, amount: number, final: boolean, at: number) => ({ type: 'bill' as const, meterId: 'm1', sector: 's1', ...period, amount, final, at });
  const d = (day: number) => feb.periodStart + day * 86_400_000;

  it('opens at the first projection ≥ 130 % of the previous final bill and closes when it drops back', () => {
    const state = createRuleState('m1');
    const out = (input: ReturnType<typeof bill>) => applyRuleInput(state, input, config).events;
    expect(out(bill(jan, 100, true, jan.periodEnd))).toEqual([]);
    expect(out(bill(feb, 125, false, d(5)))).toEqual([]); // +25 %
    const opened = out(bill(feb, 130, false, d(10))); // +30 %: exactly the limit
    expect(opened.map((e) => [e.rule, e.state, e.startedAt, e.at])).toEqual([['bill-variation', 'open', d(10), d(10)]]);
    expect(opened[0]!.evidence).toMatchObject({ amount: 130, previousAmount: 100, increase: 0.3, final: false });
    const closed = out(bill(feb, 128, false, d(15)));
    expect(closed.map((e) => [e.state, e.alertId])).toEqual([['closed', opened[0]!.alertId]]);
    // The final February bill is 140: a new crossing, a new id, open and closed with the bill.
    const final = out(bill(feb, 140, true, feb.periodEnd));
    expect(final.map((e) => e.state)).toEqual(['open', 'closed']);
    expect(final[0]!.alertId).not.toBe(opened[0]!.alertId);
  });

  it('needs a previous final bill', () => {
    const state = createRuleState('m1');
    expect(applyRuleInput(state, bill(feb, 500, false, d(3)), config).events).toEqual([]);
  });
});

describe('register anomalies', () => {
  it('alerts on an unexplained decrease or a jump, not on a wrap or a declared replacement', () => {
    const state = createRuleState('m1', 's1');
    const ev = (anomaly: 'decrease' | 'jump' | 'wrap' | 'replacement', ts: number) =>
      applyRuleInput(state, { type: 'register-event', meterId: 'm1', sector: 's1', ts, anomaly, from: 1000, to: 400 }, config).events;
    const dec = ev('decrease', m(1));
    expect(dec.map((e) => [e.rule, e.state, e.startedAt, e.at])).toEqual([['register-anomaly', 'open', m(1), m(1)]]);
    expect(dec[0]!.evidence).toEqual({ anomaly: 'decrease', from: 1000, to: 400, delta: -600 });
    expect(ev('jump', m(2))).toHaveLength(1);
    expect(ev('wrap', m(3))).toEqual([]);
    expect(ev('replacement', m(4))).toEqual([]);
    // A replayed event has the same id.
    expect(ev('decrease', m(1))[0]!.alertId).toBe(dec[0]!.alertId);
  });
});

describe('rule config', () => {
  const message = (input: unknown) => {
    try {
      parseAlertRulesConfig(input);
    } catch (e) {
      expect(isMeterflowError(e, 'ALERT_CONFIG_INVALID')).toBe(true);
      return (e as Error).message;
    }
    throw new Error('accepted');
  };

  it('has the built-in default rules', () => {
    const ids = config.rules.map((r) => [r.id, r.kind]);
    expect(ids).toEqual([
      ['fridge-too-warm', 'threshold'],
      ['temperature-rising-fast', 'rate-of-rise'],
      ['silent-meter', 'silent-meter'],
      ['above-fleet-average', 'above-group-average'],
      ['bill-variation', 'bill-variation'],
      ['register-anomaly', 'register-anomaly'],
    ]);
    expect(config.rules[0]).toMatchObject({ threshold: 4, forMinutes: 30, clearAt: 3.5 });
    expect(config.rules[4]).toMatchObject({ minIncrease: 0.3 });
  });

  it('names the bad field', () => {
    expect(message({ rules: [{ id: 'x', kind: 'threshold' }] })).toMatch(/alerts\.rules\.0\.threshold: Required/);
    expect(message({ rules: [{ id: 'x', kind: 'threshold', threshold: 4, clearAt: 5 }] })).toMatch(/alerts\.rules\.0\.clearAt: must be on the safe side of threshold \(≤ 4\)/);
    expect(message({ rules: [{ id: 'x', kind: 'silent-meter' }, { id: 'x', kind: 'silent-meter' }] })).toMatch(/alerts\.rules\.1\.id: duplicate rule id "x"/);
    expect(message({ overrides: { meters: { m1: { 'silent-meter': { multiple: -1 } } } } })).toMatch(/alerts\.overrides\.meters\.m1\.silent-meter\.multiple/);
    expect(message({ overrides: { sectors: { s1: { nope: { enabled: false } } } } })).toMatch(/alerts\.overrides\.sectors\.s1\.nope: no rule with id "nope"/);
    expect(message({ rules: [{ id: 'x', kind: 'teleport' }] })).toMatch(/alerts\.rules\.0\.kind/);
  });

  it('a meter override can switch a rule off', () => {
    const off = parseAlertRulesConfig({ overrides: { meters: { w1: { 'silent-meter': { enabled: false } } } } });
    const gap = [reading('w1', m(0), 1, 'water'), reading('w1', m(30), 1, 'water')];
    expect(drive(gap, off).events).toEqual([]);
    expect(drive(gap, config).events.map((e) => e.rule)).toEqual(['silent-meter', 'silent-meter']);
  });
});
