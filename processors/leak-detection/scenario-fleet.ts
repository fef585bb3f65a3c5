import type { Reading } from '../../core/contracts';
import type { AlertEvent } from '../../core/streams/alerts';
import { zoneOffsetMs } from '../../core/time/local-time';
import { createRandom } from '../../core/seeded-random';

/**
 * A deterministic simulated water fleet with ground truth, for the correctness test:
 * leak-free households with normal diurnal use (in their own time zone), and households with
 * an injected continuous leak, burst or night flow. Same options → same readings and labels.
 * Meters report flow + register every `stepSeconds`, or (every 4th) only the register every
 * 15 minutes, so both ways of getting flow are exercised.
 */
export type InjectedKind = 'none' | 'continuous-leak' | 'burst' | 'night-flow';

export interface ScenarioLabel {
  meterId: string;
  sector: string;
  timeZone: string;
  kind: InjectedKind;
  /** Event time the injected fault begins; null for leak-free meters. */
  injectedAt: number | null;
  /** Injected extra flow, L/min. */
  injectedLpm: number | null;
  /** The rule that must detect it, and by when (after injectedAt). */
  detectRule: string | null;
  maxLatencyMs: number | null;
  reportingIntervalMs: number;
}

export interface ScenarioFleet {
  /** All readings, sorted by event time (then meter id). */
  readings: Reading[];
  labels: ScenarioLabel[];
  /** Per-meter time zones, ready for `parseLeakConfig`. */
  leakConfigInput: { meters: Record<string, { timeZone: string }> };
  start: number;
  end: number;
}

export interface ScenarioOptions {
  seed?: number;
  /** UTC midnight the simulation starts at. */
  start?: number;
  days?: number;
  stepSeconds?: number;
  leakFree?: number;
  leaks?: number;
  bursts?: number;
  nightFlows?: number;
  zones?: string[];
}

const minuteMs = 60_000;
const hourMs = 3_600_000;
const dayMs = 24 * hourMs;


interface Use {
  from: number;
  to: number;
  lpm: number;
}

/** Household use in local time: quiet 23:00–06:00 but for a rare flush; showers, taps, appliances by day. */
function householdUses(random: () => number, start: number, days: number, zone: string): Use[] {
  const uses: Use[] = [];
  const between = (a: number, b: number) => a + random() * (b - a);
  for (let d = 0; d < days; d++) {
    // Local midnight of day d, near enough for a usage pattern (the offset at UTC noon).
    const noon = start + d * dayMs + 12 * hourMs;
    const midnight = start + d * dayMs - zoneOffsetMs(noon, zone);
    const at = (h: number) => midnight + Math.round(h * 60) * minuteMs;
    if (random() < 0.4) {
      const f = at(between(1, 4.5));
      uses.push({ from: f, to: f + minuteMs, lpm: 6 }); // a night flush
    }
    const shower = at(between(6.5, 8.5));
    uses.push({ from: shower, to: shower + Math.round(between(5, 12)) * minuteMs, lpm: between(7, 10) });
    const taps = Math.round(between(15, 35));
    for (let i = 0; i < taps; i++) {
      const f = at(between(6, 22.5));
      uses.push({ from: f, to: f + Math.round(between(1, 3)) * minuteMs, lpm: between(1, 4) });
    }
    const appliance = at(between(18, 21.5));
    uses.push({ from: appliance, to: appliance + 10 * minuteMs, lpm: 4 });
  }
  return uses;
}

export function generateScenarioFleet(options: ScenarioOptions = {}): ScenarioFleet {
  const seed = options.seed ?? 1;
  const start = options.start ?? Date.UTC(2026, 2, 2);
  const days = options.days ?? 3;
  const stepMs = (options.stepSeconds ?? 60) * 1000;
  const zones = options.zones ?? ['UTC', 'Europe/Lisbon', 'America/New_York', 'America/Sao_Paulo', 'Asia/Kolkata'];
  const end = start + days * dayMs;
  const random = createRandom(seed);
  const between = (a: number, b: number) => a + random() * (b - a);
  const kinds: InjectedKind[] = [
    ...Array<InjectedKind>(options.leakFree ?? 20).fill('none'),
    ...Array<InjectedKind>(options.leaks ?? 6).fill('continuous-leak'),
    ...Array<InjectedKind>(options.bursts ?? 6).fill('burst'),
    ...Array<InjectedKind>(options.nightFlows ?? 6).fill('night-flow'),
  ];
  const labels: ScenarioLabel[] = [];
  const perMeter: Reading[][] = [];
  kinds.forEach((kind, i) => {
    const meterId = `sim-w-${String(i + 1).padStart(4, '0')}`;
    const sector = `sector-${(i % 3) + 1}`;
    const timeZone = zones[i % zones.length]!;
    const registerOnly = i % 4 === 3;
    const interval = registerOnly ? 15 * minuteMs : stepMs;
    const uses = householdUses(random, start, days, timeZone);
    let label: ScenarioLabel = { meterId, sector, timeZone, kind, injectedAt: null, injectedLpm: null, detectRule: null, maxLatencyMs: null, reportingIntervalMs: interval };
    if (kind === 'continuous-leak') {
      // From some time on day 1 to the end; a slow leak below the burst threshold (4.17 L/min).
      const from = start + Math.round(between(4, 20) * 60) * minuteMs;
      const lpm = Math.round(between(0.5, 3.5) * 100) / 100;
      uses.push({ from, to: end, lpm });
      // Opens at the first hour end ≥ 24 h after the last quiet hour, which ended by `from`.
      label = { ...label, injectedAt: from, injectedLpm: lpm, detectRule: 'continuous-flow', maxLatencyMs: 25 * hourMs + interval };
    } else if (kind === 'burst') {
      const from = start + dayMs + Math.round(between(9, 16) * 60) * minuteMs;
      const lpm = Math.round(between(20, 40));
      uses.push({ from, to: from + Math.round(between(40, 90)) * minuteMs, lpm });
      label = { ...label, injectedAt: from, injectedLpm: lpm, detectRule: 'burst', maxLatencyMs: 30 * minuteMs + interval };
    } else if (kind === 'night-flow') {
      // A small constant leak (0.2–0.8 L/min) from some time on day 1: visible as the night minimum.
      const from = start + Math.round(between(8, 20) * 60) * minuteMs;
      const lpm = Math.round(between(0.2, 0.8) * 100) / 100;
      uses.push({ from, to: end, lpm });
      // The next full night window (≤ 3 h long) ends within 24 h + 3 h of any instant.
      label = { ...label, injectedAt: from, injectedLpm: lpm, detectRule: 'night-flow', maxLatencyMs: 27 * hourMs + interval };
    }
    labels.push(label);
    perMeter.push(meterReadings(meterId, sector, uses, start, end, interval, registerOnly, Math.round(random() * 100_000)));
  });
  const readings = perMeter.flat().sort((a, b) => a.ts - b.ts || (a.meterId < b.meterId ? -1 : 1));
  const leakConfigInput = { meters: Object.fromEntries(labels.map((l) => [l.meterId, { timeZone: l.timeZone }])) };
  return { readings, labels, leakConfigInput, start, end };
}

/** Flow is sampled per minute; a meter reports its current flow and integrated register. */
function meterReadings(meterId: string, sector: string, uses: Use[], start: number, end: number, interval: number, registerOnly: boolean, register0: number): Reading[] {
  const flows = new Float64Array(Math.ceil((end - start) / minuteMs));
  for (const u of uses) {
    for (let m = Math.max(0, Math.ceil((u.from - start) / minuteMs)); m < flows.length && start + m * minuteMs < u.to; m++) flows[m]! += u.lpm;
  }
  const flowAt = (ts: number) => flows[(ts - start) / minuteMs]!;
  const out: Reading[] = [];
  let register = register0;
  let seq = 0;
  for (let ts = start; ts < end; ts += minuteMs) {
    const flow = flowAt(ts);
    if ((ts - start) % interval === 0) {
      out.push({
        meterId,
        kind: 'water',
        ts,
        value: registerOnly ? null : Math.round(flow * 1000) / 1000,
        valueUnit: 'L/min',
        register: Math.round(register * 1000) / 1000,
        registerUnit: 'L',
        seq: seq++,
        sector,
        receivedAt: ts,
      });
    }
    register += flow; // one minute at `flow` L/min
  }
  return out;
}

export interface ScenarioScore {
  injected: number;
  detected: number;
  /** Open alerts on leak-free meters, or on injected meters before the fault began. */
  falsePositives: AlertEvent[];
  truePositives: number;
  missed: ScenarioLabel[];
  precision: number;
  recall: number;
  /** Detection latency per injected meter (alert `at` − injectedAt), ms. */
  latencyMs: Record<string, number>;
}

/** Precision and recall of the open alerts against the ground truth. */
export function scoreAlerts(labels: ScenarioLabel[], events: AlertEvent[]): ScenarioScore {
  const opens = events.filter((e) => e.state === 'open');
  const byMeter = new Map(labels.map((l) => [l.meterId, l]));
  const falsePositives = opens.filter((e) => {
    const l = byMeter.get(e.meterId);
    return !l || l.injectedAt === null || e.at < l.injectedAt;
  });
  const injected = labels.filter((l) => l.injectedAt !== null);
  const latencyMs: Record<string, number> = {};
  const missed: ScenarioLabel[] = [];
  for (const l of injected) {
    const hit = opens.find((e) => e.meterId === l.meterId && e.rule === l.detectRule && e.at >= l.injectedAt! && e.at - l.injectedAt! <= l.maxLatencyMs!);
    if (hit) latencyMs[l.meterId] = hit.at - l.injectedAt!;
    else missed.push(l);
  }
  const truePositives = opens.length - falsePositives.length;
  return {
    injected: injected.length,
    detected: injected.length - missed.length,
    falsePositives,
    truePositives,
    missed,
    precision: opens.length === 0 ? 1 : truePositives / opens.length,
    recall: injected.length === 0 ? 1 : (injected.length - missed.length) / injected.length,
    latencyMs,
  };
}
