import { parseTariff, type TariffInput } from '../../../../core/tariffs/tariff';
import { leakCost, leakRateOf } from '../../../../graphql/recommendations/leak-cost';
import { median, peerComparison } from '../../../../graphql/recommendations/peer-comparison';
import { rankRecommendations } from '../../../../graphql/recommendations/rank';
import { recommendationUpdates } from '../../../../graphql/recommendations/recommendation-updates';
import { recommend } from '../../../../graphql/recommendations/recommend';
import type { Recommendation, UsageWindow } from '../../../../graphql/recommendations/recommendation';
import { hourlyUse, percentileOf, standby } from '../../../../graphql/recommendations/standby';
import { monthlyUse, tierThreshold } from '../../../../graphql/recommendations/tier-threshold';
import { hourRanges, touShift } from '../../../../graphql/recommendations/tou-shift';
import { usageSlots, type RegisterPoint } from '../../../../graphql/recommendations/usage-slots';

const hour = 3_600_000;
const day = 24 * hour;
/** Monday 5 January 2026, 00:00 UTC (London is on GMT in January). */
const monday = Date.UTC(2026, 0, 5);

/** Register points every hour from `from`: the register advances by use(h) in hour h (h counted from `from`). */
function hourlyPoints(from: number, hours: number, use: (h: number) => number): RegisterPoint[] {
  const points: RegisterPoint[] = [{ ts: from, register: 0 }];
  let register = 0;
  for (let h = 0; h < hours; h++) {
    register += use(h);
    points.push({ ts: from + (h + 1) * hour, register });
  }
  return points;
}

function windowOf(points: RegisterPoint[], tariff: TariffInput, extra: Partial<UsageWindow> & { factor?: number } = {}): UsageWindow {
  const usage = usageSlots(points, extra.factor ?? 1)!;
  return { meterId: 'm1', kind: 'electricity', zone: 'UTC', tariff: parseTariff(tariff), registerToTariff: extra.factor ?? 1, ...usage, ...extra };
}

const flat = (rate: number, unit = 'kWh', currency = 'GBP'): TariffInput => ({ id: 'flat', currency, unit, blocks: [{ upTo: null, rate }] });

describe('usage slots: register advances spread over quarter hours', () => {
  it('splits each advance evenly over its span; a decrease counts as nothing and the count goes on from it', () => {
    const t0 = monday;
    // 00:00 → 00:30: +3 over two slots (1.5 each); 00:30 → 00:45: 3 → 2 (nothing); 00:45 → 01:00: 2 → 4 (+2).
    const u = usageSlots([{ ts: t0, register: 0 }, { ts: t0 + hour / 2, register: 3 }, { ts: t0 + (3 * hour) / 4, register: 2 }, { ts: t0 + hour, register: 4 }])!;
    expect(u.slotsFrom).toBe(t0);
    expect(u.slots).toEqual([1.5, 1.5, 0, 2]);
    expect([u.from, u.to]).toEqual([t0, t0 + hour]);
    // Unsorted input gives the same; a register in L priced in m³ is scaled.
    expect(usageSlots([{ ts: t0 + hour, register: 4000 }, { ts: t0, register: 0 }], 0.001)!.slots).toEqual([1, 1, 1, 1]);
    expect(usageSlots([{ ts: t0, register: 1 }])).toBeNull();
  });
});

describe('TOU_SHIFT', () => {
  it('schedule TOU: peak 17:00–20:00 at 0.30, off-peak 0.10, one Monday', () => {
    // Weekday schedule: hours 17, 18 and 19 are period 1 (peak), every other hour period 0.
    const row = Array.from({ length: 24 }, (_, h) => (h >= 17 && h <= 19 ? 1 : 0));
    const tariff: TariffInput = {
      id: 'tou', currency: 'USD', unit: 'kWh',
      tou: { periods: [{ name: 'off-peak', blocks: [{ upTo: null, rate: 0.1 }] }, { name: 'peak', blocks: [{ upTo: null, rate: 0.3 }] }], weekdaySchedule: Array(12).fill(row), weekendSchedule: Array(12).fill(Array(24).fill(0)) },
    };
    // 1 kWh every hour, 2 kWh in each peak hour.
    const w = windowOf(hourlyPoints(monday, 24, (h) => (h >= 17 && h <= 19 ? 2 : 1)), tariff);
    const r = touShift(w, { shiftableShare: 0.2 })!;
    // Peak use 3 × 2 = 6 kWh; 20 % movable = 1.2 kWh; × (0.30 − 0.10) = 0.24 USD a day;
    // × 365 / 1 = 87.60 USD a year, 1.2 × 365 = 438 kWh moved.
    expect(r.savingPerYearCents).toBe(8760);
    expect(r.quantityPerYear).toBe(438);
    expect([r.fromBand, r.toBand, r.fromPrice, r.toPrice, r.share]).toEqual(['peak', 'off-peak', 0.3, 0.1, 0.2]);
    expect(r.peakHours).toEqual([17, 18, 19]);
    expect(r.targetHours).toEqual([...Array.from({ length: 17 }, (_, h) => h), 20, 21, 22, 23]);
    expect(r.title).toBe('Move 20 % of your peak use (17:00–20:00) to off-peak hours');
    expect(r.computation).toContain('peak band use over the last 1 days: 6 kWh, at 0.3 USD/kWh');
    expect(r.computation).toContain('per year: × 365 / 1 = 87.60 USD (438 kWh moved)');
  });

  it('dated TOU in local time: High 18:00–19:30 at 0.50, Low 00:00–06:00 at 0.05; rounding half-up once', () => {
    const tariff: TariffInput = {
      id: 'dtou', currency: 'GBP', unit: 'kWh',
      datedTou: {
        bands: [{ name: 'High', blocks: [{ upTo: null, rate: 0.5 }] }, { name: 'Low', blocks: [{ upTo: null, rate: 0.05 }] }, { name: 'Normal', blocks: [{ upTo: null, rate: 0.15 }] }],
        defaultBand: 'Normal',
        calendar: [
          { from: '2026-01-05T00:00:00Z', band: 'Low' },
          { from: '2026-01-05T06:00:00Z', band: 'Normal' },
          { from: '2026-01-05T18:00:00Z', band: 'High' },
          { from: '2026-01-05T19:30:00Z', band: 'Normal' },
        ],
        calendarEnd: '2026-01-06T00:00:00Z',
      },
    };
    const w = { ...windowOf(hourlyPoints(monday, 24, () => 1), tariff), zone: 'Europe/London' };
    const r = touShift(w, { shiftableShare: 0.2 })!;
    // High: 1.5 h × 1 kWh = 1.5 kWh; 20 % = 0.3 kWh × (0.50 − 0.05) = 0.135 GBP a day;
    // × 365 = 49.275 → 49.28 (half-up); 0.3 × 365 = 109.5 kWh.
    expect(r.savingPerYearCents).toBe(4928);
    expect(r.quantityPerYear).toBe(109.5);
    expect(r.peakHours).toEqual([18, 19]);
    expect(r.targetHours).toEqual([0, 1, 2, 3, 4, 5]);
    expect(hourRanges(r.peakHours!)).toBe('18:00–20:00');
    // Hour 18 holds 1 kWh of High use, hour 19 half of one.
    expect(r.computation).toContain('most High use: 18:00–19:00 1 kWh, 19:00–20:00 0.5 kWh');
    expect(r.title).toBe('Move 20 % of your High use (18:00–20:00) to Low hours');
    expect([hourRanges([17, 18, 19, 21]), hourRanges([23]), hourRanges(Array.from({ length: 24 }, (_, h) => h))]).toEqual(['17:00–20:00, 21:00–22:00', '23:00–00:00', 'every hour']);
  });

  it('no TOU tariff, or no use in the peak band: nothing', () => {
    expect(touShift(windowOf(hourlyPoints(monday, 24, () => 1), flat(0.2)), { shiftableShare: 0.2 })).toBeNull();
  });
});

describe('TIER_THRESHOLD', () => {
  // Per 30 days: 0–10 m³ at 1, 10–20 at 2, above 20 at 5.
  const tiers: TariffInput = { id: 'tiers', currency: 'BRL', unit: 'm3', blocks: [{ upTo: 10, rate: 1 }, { upTo: 20, rate: 2 }, { upTo: null, rate: 5 }] };

  it('June (30 days) at 15 m³ crossed 10 m³: 5 m³ at 2 = 10 BRL, 121.67 BRL a year', () => {
    const june = Date.UTC(2026, 5, 1);
    const w = { ...windowOf([{ ts: june, register: 0 }, { ts: june + 30 * day, register: 15_000 }], tiers, { factor: 0.001 }), kind: 'water' as const };
    const r = tierThreshold(w)!;
    // 10 BRL × 365 / 30 = 121.666… → 121.67; 5 m³ × 365 / 30 = 60.833 m³.
    expect(r.savingPerYearCents).toBe(12_167);
    expect(r.quantityPerYear).toBe(60.833);
    expect(r.months).toEqual(['2026-06']);
    expect(r.computation[0]).toBe('2026-06 (30 days): 15 m3 used, block 2 starts at 10 m3 (10 × 30/30); above it 5 m3: 5 × 2 = 10 BRL');
  });

  it('months split at local midnight; a partial month scales its blocks by the days covered', () => {
    // 15 May → 15 June 2026 (31 days), 1 m³ a day. May: 17 days, 17 m³; its blocks × 17/30: block 2
    // from 5.667, block 3 from 11.333, so 17 m³ ends in block 3: 17 − 11.333 = 5.667 above, at 5 =
    // 28.333. June: 14 days, 14 m³; block 3 from 20 × 14/30 = 9.333: 4.667 above at 5 = 23.333.
    const from = Date.UTC(2026, 4, 15);
    const w = windowOf([{ ts: from, register: 0 }, { ts: from + 31 * day, register: 31 }], tiers);
    expect(monthlyUse(w).map((m) => [m.month, Math.round(m.used * 1e6) / 1e6, m.days])).toEqual([['2026-05', 17, 17], ['2026-06', 14, 14]]);
    const r = tierThreshold(w)!;
    // 51.667 BRL over 31 days × 365 / 31 = 608.33 BRL; 10.333 m³ × 365 / 31 = 121.667 m³.
    expect(r.savingPerYearCents).toBe(60_833);
    expect(r.quantityPerYear).toBe(121.667);
    expect(r.computation[0]).toBe('2026-05 (17 days): 17 m3 used, block 3 starts at 11.333 m3 (20 × 17/30); above it 5.667 m3: 5.667 × 5 = 28.3333 BRL');
    // Half as much (0.5 m³ a day) stays in block 2: May 8.5 − 5.667 = 2.833 at 2, June 7 − 4.667 =
    // 2.333 at 2: 10.333 BRL × 365 / 31 = 121.67 BRL.
    const half = windowOf([{ ts: from, register: 0 }, { ts: from + 31 * day, register: 15.5 }], tiers);
    expect(tierThreshold(half)!.savingPerYearCents).toBe(12_167);
    expect(r.months).toEqual(['2026-05', '2026-06']);
  });

  it('under the first threshold, or a one-block tariff: nothing', () => {
    const june = Date.UTC(2026, 5, 1);
    expect(tierThreshold(windowOf([{ ts: june, register: 0 }, { ts: june + 30 * day, register: 9 }], tiers))).toBeNull();
    expect(tierThreshold(windowOf([{ ts: june, register: 0 }, { ts: june + 30 * day, register: 90 }], flat(1, 'm3')))).toBeNull();
  });
});

describe('LEAK', () => {
  const june = Date.UTC(2026, 5, 1);
  // SABESP-like per 30 days: 0–10 m³ flat 24.15, 10–20 at 3.78, above at 9.44.
  const sabesp: TariffInput = { id: 'sabesp', currency: 'BRL', unit: 'm3', blocks: [{ upTo: 10, flatAmount: 24.15 }, { upTo: 20, rate: 3.78 }, { upTo: null, rate: 9.44 }] };

  it('the largest open leak rate × 8,760 h × the marginal rate at the meter’s use', () => {
    // 15 m³ in 30 days: the next m³ is in block 2, at 3.78.
    const w = { ...windowOf([{ ts: june, register: 0 }, { ts: june + 30 * day, register: 15_000 }], sabesp, { factor: 0.001 }), kind: 'water' as const };
    const r = leakCost(w, [
      { alertId: 'a', ruleKind: 'night-flow', startedAt: june, ratePerHour: leakRateOf('night-flow', { minFlowLpm: 0.1 })! },
      { alertId: 'b', ruleKind: 'continuous-flow', startedAt: june, ratePerHour: leakRateOf('continuous-flow', { leakRateLph: 12 })! },
    ], 'L')!;
    // 12 L/h × 8,760 h = 105,120 L = 105.12 m³ × 3.78 = 397.3536 → 397.35 BRL a year.
    expect(r.savingPerYearCents).toBe(39_735);
    expect(r.quantityPerYear).toBe(105.12);
    expect(r.alertIds).toEqual(['a', 'b']);
    expect(r.computation[1]).toBe('open continuous-flow alert b: 12 L/h');
    expect(leakRateOf('night-flow', { minFlowLpm: 0.1 })).toBeCloseTo(6, 12);
    expect(leakRateOf('burst', { flowLpm: 3 })).toBeNull();
    expect(leakCost(w, [], 'L')).toBeNull();
  });
});

describe('STANDBY', () => {
  it('the 10th percentile of hourly use × 8,760 h, half of it avoidable, at the flat rate', () => {
    // Two days: 0.2 kWh in hours 0–5, 1 kWh in hours 6–23.
    const w = windowOf(hourlyPoints(monday, 48, (h) => (h % 24 < 6 ? 0.2 : 1)), flat(0.25));
    expect(hourlyUse(w)).toHaveLength(48);
    const r = standby(w, { standbyPercentile: 10, standbyReduction: 0.5, standbyKinds: ['electricity'] })!;
    // Nearest rank: ⌈0.1 × 48⌉ = 5th smallest = 0.2 kWh/h; × 8,760 = 1,752 kWh; half = 876 kWh × 0.25 = 219.00 GBP.
    expect(r.savingPerYearCents).toBe(21_900);
    expect(r.quantityPerYear).toBe(876);
    expect(percentileOf([5, 1, 4, 2, 3], 10)).toBe(1);
    expect(percentileOf([5, 1, 4, 2, 3], 50)).toBe(3);
    // A water meter's floor is a leak, not standby.
    expect(standby({ ...w, kind: 'water' }, { standbyPercentile: 10, standbyReduction: 0.5, standbyKinds: ['electricity'] })).toBeNull();
  });
});

describe('PEER_COMPARISON', () => {
  const w = windowOf(hourlyPoints(monday, 24, () => 1), flat(0.25));
  it('percentile among the others and the saving at the group median', () => {
    const peers = [1000, 2000, 3000, 5000, 4000].map((perYear, i) => ({ meterId: `p${i}`, perYear }));
    const r = peerComparison(w, 4000, [...peers, { meterId: 'm1', perYear: 4000 }], 's1', { minPeers: 5 })!;
    // 3 of 5 others use less, 1 as much: (3 + 0.5) / 5 = 70 %. Median of 1000, 2000, 3000, 4000,
    // 4000, 5000 = 3500; 500 kWh above × 0.25 = 125.00 GBP.
    expect(r.percentile).toBe(70);
    expect(r.peers).toBe(6);
    expect(r.savingPerYearCents).toBe(12_500);
    expect(r.quantityPerYear).toBe(500);
    expect(median([3, 1, 2])).toBe(2);
    // Below the median: the percentile, no saving.
    expect(peerComparison(w, 1500, peers, 's1', { minPeers: 5 })).toMatchObject({ percentile: 20, savingPerYearCents: 0 });
    // Too few meters.
    expect(peerComparison(w, 1500, peers.slice(0, 3), 's1', { minPeers: 5 })).toBeNull();
  });
});

describe('ranking and recommend()', () => {
  it('orders by saving per year, most first; ties by kind order', () => {
    const r = (kind: Recommendation['kind'], cents: number): Recommendation => ({ kind, title: kind, savingPerYearCents: cents, currency: 'GBP', quantityPerYear: 0, unit: 'kWh', computation: [] });
    expect(rankRecommendations([r('STANDBY', 100), r('LEAK', 5000), r('PEER_COMPARISON', 100), r('TOU_SHIFT', 300)]).map((x) => x.kind)).toEqual(['LEAK', 'TOU_SHIFT', 'STANDBY', 'PEER_COMPARISON']);
  });

  it('a household on a schedule TOU gets TOU_SHIFT, STANDBY and PEER_COMPARISON, ranked', () => {
    const row = Array.from({ length: 24 }, (_, h) => (h >= 17 && h <= 19 ? 1 : 0));
    const tariff: TariffInput = {
      id: 'tou', currency: 'USD', unit: 'kWh',
      tou: { periods: [{ name: 'off-peak', blocks: [{ upTo: null, rate: 0.1 }] }, { name: 'peak', blocks: [{ upTo: null, rate: 0.3 }] }], weekdaySchedule: Array(12).fill(row), weekendSchedule: Array(12).fill(row) },
    };
    const w = windowOf(hourlyPoints(monday, 24, (h) => (h >= 17 && h <= 19 ? 2 : 1)), tariff);
    const peers = [100, 200, 300, 400].map((perYear, i) => ({ meterId: `p${i}`, perYear }));
    const list = recommend({ window: w, registerUnit: 'kWh', leaks: [], peers: { sector: 's1', meters: peers } });
    // TOU: 87.60 (above). Standby: floor 1 kWh/h × 8,760 × 0.5 = 4,380 kWh × time-average rate
    // (21 h at 0.10 + 3 h at 0.30) / 24 = 0.125 → 547.50. Peers: own 27 kWh × 365 = 9,855 kWh;
    // median of 100…400 and 9,855 = 300; 9,555 × 0.125 = 1,194.375 → 1,194.38.
    expect(list.map((x) => [x.kind, x.savingPerYearCents])).toEqual([['PEER_COMPARISON', 119_438], ['STANDBY', 54_750], ['TOU_SHIFT', 8_760]]);
  });
});

describe('recommendationUpdates: an update when a kind appears or goes', () => {
  it('first evaluation, then only on a change of the set of kinds; a failed evaluation is skipped', async () => {
    const r = (kind: Recommendation['kind'], cents: number): Recommendation => ({ kind, title: kind, savingPerYearCents: cents, currency: 'GBP', quantityPerYear: 0, unit: 'kWh', computation: [] });
    const evaluations: Array<Recommendation[] | Error> = [
      [r('TOU_SHIFT', 100)],
      [r('TOU_SHIFT', 120)], // the saving moved: no update
      new Error('QuestDB down'), // skipped
      [r('LEAK', 9000), r('TOU_SHIFT', 120)], // LEAK appeared
      [r('LEAK', 9000), r('TOU_SHIFT', 110)], // no change
      [r('TOU_SHIFT', 110)], // LEAK went
    ];
    const slept: number[] = [];
    const errors: unknown[] = [];
    let i = 0;
    const updates = recommendationUpdates({
      everyMs: 60_000,
      evaluate: async () => {
        const next = evaluations[i++];
        if (next === undefined) return new Promise<Recommendation[]>(() => undefined); // no further evaluation
        if (next instanceof Error) throw next;
        return next;
      },
      sleep: async (ms) => void slept.push(ms),
      now: () => 1_000,
      onError: (e) => errors.push(e),
    });
    const got: Array<[string[], string[]]> = [];
    for (let k = 0; k < 3; k++) {
      const { value } = await updates.next();
      got.push([value!.kinds, value!.added]);
    }
    expect(got).toEqual([[['TOU_SHIFT'], ['TOU_SHIFT']], [['LEAK', 'TOU_SHIFT'], ['LEAK']], [['TOU_SHIFT'], []]]);
    expect(errors).toHaveLength(1);
    expect(slept).toEqual(Array(5).fill(60_000));
    await updates.return(undefined);
  });
});

describe('recommendationUpdates: ending the stream', () => {
  it('return() while it waits ends it at once, with no evaluation after', async () => {
    let evaluations = 0;
    const updates = recommendationUpdates({
      everyMs: 3_600_000,
      evaluate: async () => {
        evaluations++;
        return [{ kind: 'LEAK', title: 'LEAK', savingPerYearCents: 1, currency: 'BRL', quantityPerYear: 1, unit: 'm3', computation: [] }];
      },
    });
    expect((await updates.next()).value!.kinds).toEqual(['LEAK']);
    // The next update waits an hour (the kinds will not change): ending must not wait for it.
    const pending = updates.next();
    await new Promise((r) => setTimeout(r, 10));
    const started = Date.now();
    await updates.return(undefined);
    expect(await pending).toEqual({ value: undefined, done: true });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(evaluations).toBe(1);
  });
});
