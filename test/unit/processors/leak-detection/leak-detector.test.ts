import { parseLeakConfig } from '../../../../processors/leak-detection';
import { byTime, drive, hour, iso, minute, series, water, at } from './helpers';

const T0 = at('2026-01-05T00:00:00Z');
const config = parseLeakConfig();
/** The continuous-flow tests look at that rule alone (a constant leak also shows as night flow). */
const continuousOnly = parseLeakConfig({ defaults: { nightFlow: { enabled: false } } });

describe('continuous flow (no quiet hour in 24 h)', () => {
  // A toilet leaking 3 L/min from the start of monitoring, plus a 10-minute use of 10 L/min
  // more at 07:00. Hourly volumes: 3 × 60 = 180 L in every hour but 07:00–08:00, which has
  // 50 × 3 + 10 × 13 = 280 L. Leak rate = lowest hourly volume = 180 L/h (the mean would be 184.17).
  const flow = (ts: number) => 3 + (ts >= T0 + 7 * hour && ts < T0 + 7 * hour + 10 * minute ? 10 : 0);

  it('opens exactly when 24 h have passed without an unbroken hour of zero flow', () => {
    const before = drive(series('m1', T0, T0 + 24 * hour, minute, flow), continuousOnly, { finalWatermark: T0 + 24 * hour - 1 });
    expect(before.events).toEqual([]);

    const { events } = drive(series('m1', T0, T0 + 25 * hour, minute, flow), continuousOnly);
    expect(events).toHaveLength(1);
    const e = events[0]!;
    expect(e).toMatchObject({ rule: 'continuous-flow', state: 'open', meterId: 'm1', sector: 's1', startedAt: T0, at: T0 + 24 * hour });
    expect(e.evidence.leakRateLph).toBe(180);
    expect(e.evidence.maxHourlyVolumeL).toBe(280);
    // 180 L/h × 24 h since the flow started.
    expect(e.estimatedLossL).toBe(4320);
    expect(e.alertId).toMatch(/^[0-9a-f]{32}$/);
  });

  it('clears after one hour of zero flow; loss = leak rate × duration', () => {
    // Repaired at T0 + 30 h: zero flow after that. The quiet hour completes at T0 + 31 h.
    const repaired = (ts: number) => (ts < T0 + 30 * hour ? flow(ts) : 0);
    const { events } = drive(series('m1', T0, T0 + 32 * hour, minute, repaired), continuousOnly);
    expect(events.map((e) => [e.state, iso(e.at)])).toEqual([
      ['open', iso(T0 + 24 * hour)],
      ['closed', iso(T0 + 31 * hour)],
    ]);
    const closed = events[1]!;
    expect(closed.alertId).toBe(events[0]!.alertId);
    expect(closed.endedAt).toBe(T0 + 30 * hour);
    expect(closed.estimatedLossL).toBe(180 * 30);
  });

  it('59 minutes of zero flow do not clear it', () => {
    // Stops at T0 + 30 h for 59 minutes, then leaks again: no close.
    const paused = (ts: number) => (ts >= T0 + 30 * hour && ts < T0 + 30 * hour + 59 * minute ? 0 : flow(ts));
    const { events } = drive(series('m1', T0, T0 + 32 * hour, minute, paused), continuousOnly);
    expect(events.map((e) => e.state)).toEqual(['open']);
  });

  it('derives flow from the register when a meter sends no value (15-minute reports)', () => {
    // 3 L/min = 45 L per 15 minutes; the register alone must give the same leak rate 180 L/h.
    const readings = [];
    for (let k = 0; k <= 25 * 4; k++) readings.push(water('m-reg', T0 + k * 15 * minute, null, 1000 + 45 * k));
    const { events } = drive(readings, continuousOnly);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ rule: 'continuous-flow', at: T0 + 24 * hour, startedAt: T0 });
    expect(events[0]!.evidence.leakRateLph).toBe(180);
  });

  it('a silent meter is not a leaking one (unknown hours never open a leak)', () => {
    // Leaks for 2 h, then sends nothing for 30 h, then leaks again for 2 h.
    const readings = [...series('m1', T0, T0 + 2 * hour, minute, () => 3), ...series('m1', T0 + 32 * hour, T0 + 34 * hour, minute, () => 3)];
    expect(drive(readings, continuousOnly).events).toEqual([]);
  });
});

describe('a normal diurnal household', () => {
  it('never alerts over four days', () => {
    // Zero flow 22:00–06:00 (one toilet flush, 6 L/min for 1 min, at 03:00), morning showers
    // (9 L/min for 12 min at 07:00), taps (2 L/min for 3 min every half hour 08:00–21:00),
    // dishwasher and washing machine at 20:00 (4 L/min for 10 min).
    const flow = (ts: number) => {
      const m = Math.floor((ts % (24 * hour)) / minute); // minute of the day, UTC
      if (m >= 180 && m < 181) return 6;
      if (m >= 420 && m < 432) return 9;
      if (m >= 1200 && m < 1210) return 4;
      if (m >= 480 && m < 1260 && m % 30 < 3) return 2;
      return 0;
    };
    const { events } = drive(series('h1', T0, T0 + 96 * hour, minute, flow), config);
    expect(events).toEqual([]);
  });
});

describe('burst (flow above threshold for 30 min)', () => {
  const cfg = parseLeakConfig({ defaults: { burst: { thresholdLpm: 10 } } });
  const start = at('2026-01-05T10:00:00Z');
  const burst = (minutes: number) => (ts: number) => (ts >= start && ts < start + minutes * minute ? 20 : 0);

  it('opens when the run reaches 30 min and closes when the flow drops', () => {
    // 20 L/min over 10:00–10:45. Open at 10:30 with 30 × 20 = 600 L; closed at 10:45 with 45 × 20 = 900 L.
    const { events } = drive(series('b1', start - hour, start + 2 * hour, minute, burst(45)), cfg);
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ rule: 'burst', state: 'open', startedAt: start, at: start + 30 * minute, estimatedLossL: 600, severity: 'critical' });
    expect(events[0]!.evidence).toMatchObject({ thresholdLpm: 10, peakLpm: 20, minDurationMinutes: 30 });
    expect(events[1]).toMatchObject({ state: 'closed', startedAt: start, endedAt: start + 45 * minute, at: start + 45 * minute, estimatedLossL: 900 });
    expect(events[1]!.alertId).toBe(events[0]!.alertId);
  });

  it('29 minutes above the threshold do not fire; exactly 30 do', () => {
    expect(drive(series('b1', start - hour, start + 2 * hour, minute, burst(29)), cfg).events).toEqual([]);
    const thirty = drive(series('b1', start - hour, start + 2 * hour, minute, burst(30)), cfg).events;
    expect(thirty.map((e) => [e.state, e.at])).toEqual([
      ['open', start + 30 * minute],
      ['closed', start + 30 * minute],
    ]);
  });

  it('the default threshold is 10 % of Q3 = 2.5 m³/h → 4.1667 L/min', () => {
    // 5 L/min for 40 min is a burst with defaults; 4 L/min is not.
    const f = (v: number) => (ts: number) => (ts >= start && ts < start + 40 * minute ? v : 0);
    expect(drive(series('b2', start, start + hour, minute, f(5)), config).events.map((e) => e.state)).toEqual(['open', 'closed']);
    expect(drive(series('b2', start, start + hour, minute, f(4)), config).events).toEqual([]);
  });
});

describe('night flow in the meter time zone, across a DST change', () => {
  // New York springs forward on 2026-03-08 at 02:00 EST → 03:00 EDT. The night window
  // 02:00–05:00 local is 07:00Z–10:00Z on 7 March (EST), 07:00Z–09:00Z on 8 March (02:00
  // does not exist: it starts at 03:00 EDT; two hours long) and 06:00Z–09:00Z on 9 March.
  // Flow: 1 L/min between 07:00Z and 09:00Z every day, zero otherwise.
  //  7 Mar: the window includes 09:00Z–10:00Z at zero → min 0 → nothing.
  //  8 Mar: the whole window has 1 L/min → min 1 > 0.1 → open at 09:00Z, started 07:00Z.
  //  9 Mar: 06:00Z–07:00Z is zero → min 0 → closed at 09:00Z; loss = 1 L/min × 120 min.
  // A fixed UTC−5 offset would see 07:00Z–10:00Z on 8 March and never fire.
  const cfg = parseLeakConfig({ meters: { ny1: { timeZone: 'America/New_York' } } });
  const flow = (ts: number) => {
    const h = new Date(ts).getUTCHours();
    return h >= 7 && h < 9 ? 1 : 0;
  };

  it('opens on the DST night only and closes the next night', () => {
    const { events } = drive(series('ny1', at('2026-03-06T12:00:00Z'), at('2026-03-09T12:00:00Z'), 5 * minute, flow), cfg);
    expect(events.map((e) => [e.rule, e.state, iso(e.startedAt), iso(e.at)])).toEqual([
      ['night-flow', 'open', '2026-03-08T07:00:00.000Z', '2026-03-08T09:00:00.000Z'],
      ['night-flow', 'closed', '2026-03-08T07:00:00.000Z', '2026-03-09T09:00:00.000Z'],
    ]);
    expect(events[0]!.evidence).toMatchObject({ minFlowLpm: 1, thresholdLpm: 0.1, timeZone: 'America/New_York' });
    expect(events[1]!.estimatedLossL).toBe(120);
  });

  it('the same meter in UTC sees different windows (02:00Z–05:00Z) and never fires', () => {
    const { events } = drive(series('utc1', at('2026-03-06T12:00:00Z'), at('2026-03-09T12:00:00Z'), 5 * minute, flow), cfg);
    expect(events).toEqual([]);
  });
});

describe('disorder, duplicates, late readings', () => {
  const flow = (ts: number) => 3 + (ts >= T0 + 7 * hour && ts < T0 + 7 * hour + 10 * minute ? 10 : 0);
  const sorted = series('m1', T0, T0 + 26 * hour, minute, flow);
  const burstCfg = parseLeakConfig({ defaults: { burst: { thresholdLpm: 10 } } });

  it('out-of-order readings within the allowed lateness give the same alerts as sorted input', () => {
    // Reverse every block of 7 readings: a reading is at most 6 minutes early or late; lateness 10 min.
    const shuffled = [];
    for (let i = 0; i < sorted.length; i += 7) shuffled.push(...sorted.slice(i, i + 7).reverse());
    const final = T0 + 26 * hour;
    const a = drive(sorted, burstCfg, { latenessMs: 10 * minute, finalWatermark: final }).events.sort(byTime);
    const b = drive(shuffled, burstCfg, { latenessMs: 10 * minute, finalWatermark: final });
    expect(b.statuses.every((s) => s === 'accepted')).toBe(true);
    // The 3 L/min leak is there all through 02:00–05:00Z: night flow opens at 05:00 (started 02:00);
    // the continuous-flow leak opens at T0 + 24 h; the 13 L/min use lasts 10 min, no burst.
    expect(a.map((e) => [e.rule, e.state, e.startedAt, e.at])).toEqual([
      ['night-flow', 'open', T0 + 2 * hour, T0 + 5 * hour],
      ['continuous-flow', 'open', T0, T0 + 24 * hour],
    ]);
    expect(b.events.sort(byTime)).toEqual(a);
  });

  it('duplicates do not double volumes', () => {
    // Every reading twice, and every 10th again 3 minutes later (within lateness).
    const dup = [];
    for (let i = 0; i < sorted.length; i++) {
      dup.push(sorted[i]!, sorted[i]!);
      if (i >= 3 && i % 10 === 0) dup.push(sorted[i - 3]!);
    }
    const { events, state } = drive(dup, continuousOnly, { latenessMs: 5 * minute });
    expect(events).toHaveLength(1);
    expect(events[0]!.evidence.leakRateLph).toBe(180);
    expect(events[0]!.estimatedLossL).toBe(4320);
    expect(state.dropped.duplicate).toBeGreaterThanOrEqual(sorted.length);
  });

  it('a reading older than the watermark is reported late and not used', () => {
    const { statuses } = drive([water('m1', T0, 0), water('m1', T0 + 10 * minute, 0), water('m1', T0 + 5 * minute, 50)], config, { latenessMs: 2 * minute });
    expect(statuses).toEqual(['accepted', 'accepted', 'late']);
  });
});

describe('replay determinism and state', () => {
  const flow = (ts: number) => (ts < T0 + 30 * hour ? 3 : 0);
  const readings = series('m1', T0, T0 + 32 * hour, minute, flow);

  it('a replay yields the same alert ids, and a JSON checkpoint mid-way resumes identically', () => {
    const first = drive(readings, config).events;
    const second = drive(readings, config).events;
    expect(second).toEqual(first);
    // Night flow opens at 05:00Z on day 1 (3 L/min all night), the leak at 24 h, it clears at 31 h.
    // The night-flow alert stays open: the second night (02:00–05:00Z on day 2) still shows 3 L/min.
    expect(first.map((e) => [e.rule, e.state])).toEqual([
      ['night-flow', 'open'],
      ['continuous-flow', 'open'],
      ['continuous-flow', 'closed'],
    ]);

    const half = drive(readings.slice(0, 1000), config);
    const restored = JSON.parse(JSON.stringify(half.state));
    const rest = drive(readings.slice(1000), config, { state: restored });
    expect([...half.events, ...rest.events]).toEqual(first);
  });

  it('stays bounded: at most windowHours hourly buckets, no raw history', () => {
    const { state } = drive(series('m1', T0, T0 + 72 * hour, minute, () => 3), config, { latenessMs: 5 * minute });
    expect(state.continuous.hours.length).toBe(24);
    expect(state.pending.length).toBeLessThanOrEqual(6);
    expect(JSON.stringify(state).length).toBeLessThan(4000);
  });
});
