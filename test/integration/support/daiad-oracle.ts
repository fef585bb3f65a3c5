import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { fromLocal, localParts } from '../../../core/time/local-time';

// An independent reading of the DAIAD fixture and the billing rule of docs/billing.md, for
// tests that check what the pipeline made of it. Written apart from the import and the
// processors on purpose: plain string splitting and the rule worked out directly.

export const daiadZone = 'Europe/Madrid';
export const daiadFixture = path.resolve(__dirname, '../../fixtures/daiad/swm_trialA_6meters.csv.gz');
/** Six meters of the trial with its billing faults: a second register interleaved, months of silence, meters that stopped. */
export const daiadFaultsFixture = path.resolve(__dirname, '../../fixtures/daiad/swm_trialA_faults.csv.gz');

export interface DaiadRow {
  meter: string;
  ts: number;
  register: number;
  /** Position in the file (0 = first data row). */
  order: number;
}

/** Every readable row of the fixture, in file order (the first `meterCount` meters). */
export function loadDaiadRows(meterCount = 6, file = daiadFixture): DaiadRow[] {
  const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n').slice(1);
  const meters: string[] = [];
  const rows: DaiadRow[] = [];
  lines.forEach((line, order) => {
    const [meter, datetime, reading] = line.split(';');
    if (!meter || !datetime || reading === undefined) return;
    if (!meters.includes(meter)) {
      if (meters.length === meterCount) return;
      meters.push(meter);
    }
    const m = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2}):(\d{2})$/.exec(datetime);
    const register = Number(reading); // also reads "4e+05"
    if (!m || !Number.isFinite(register)) return;
    const [, d, mo, y, hh, mi, ss] = m.map(Number) as number[];
    rows.push({ meter, ts: fromLocal(daiadZone, y!, mo!, d!, hh!, mi!) + ss! * 1000, register, order });
  });
  return rows;
}

/** One meter's rows by instant, the later row of the file winning an instant, in time order. */
export function latestPerInstant(rows: DaiadRow[]): DaiadRow[] {
  const byTs = new Map<number, DaiadRow>();
  for (const r of [...rows].sort((a, b) => a.order - b.order)) byTs.set(r.ts, r);
  return [...byTs.values()].sort((a, b) => a.ts - b.ts);
}

const hour = 3_600_000;
/** docs/billing.md defaults: 10 m³/h for a litre register, over at least an hour; gaps over 31 days carried. */
const maxFlowLitresPerHour = 10_000;
const carryGapMs = 31 * 24 * hour;

const monthStartOf = (ts: number) => {
  const p = localParts(ts, daiadZone);
  return fromLocal(daiadZone, p.year, p.month, 1);
};
const monthKey = (ts: number) => {
  const p = localParts(ts, daiadZone);
  return `${p.year}-${String(p.month).padStart(2, '0')}-01`;
};

export interface DaiadBilling {
  /** Local calendar month ("2016-03-01") → litres billed in it and whether a reading measures part of it. */
  months: Map<string, { litres: number; read: boolean }>;
  /** Litres on all invoices together. */
  billed: number;
  firstRegister: number;
  /** The last value the rule accepted (the baseline at the end). */
  lastAccepted: number;
  /** Steps held as level shifts (never billed). */
  heldSteps: number;
  /** Instants where a jump was held for review. */
  jumps: number[];
}

/**
 * The billing rule of docs/billing.md, computed here on its own, per meter in event time (the
 * later row of the file wins an instant):
 * - a value at or above the last accepted one, within 10 m³/h over the elapsed time (at least
 *   an hour), adds the difference;
 * - a higher value beyond that is a jump, held; a reading at or above the jump's series' last
 *   value, within 10 m³/h of it, continues that series (checked first): held too when a reading
 *   of the old series came in between (an outlier, a second register), else a level shift (the
 *   step held, billing goes on from the new level);
 * - a lower value is an unexplained decrease, excluded; the last accepted value holds.
 * Each step is spread evenly over (previous accepted instant, its instant], cut at local month
 * starts; a step longer than 31 days that began before the month its last instant is in is
 * spread over that month only. Months run from the first reading's to `lastMonth` (default: the
 * last reading's).
 */
export function daiadBilling(rows: DaiadRow[], lastMonth?: string): DaiadBilling {
  const sorted = latestPerInstant(rows);
  const months = new Map<string, { litres: number; read: boolean }>();
  const endKey = lastMonth ?? monthKey(sorted.at(-1)!.ts);
  for (let t = monthStartOf(sorted[0]!.ts); monthKey(t) <= endKey; t = fromLocal(daiadZone, localParts(t, daiadZone).year, localParts(t, daiadZone).month + 1, 1)) {
    months.set(monthKey(t), { litres: 0, read: false });
  }
  // A reading at ts measures (previous, ts]: it marks the month of ts − 1 ms as read.
  for (const r of sorted.slice(1)) {
    const m = months.get(monthKey(r.ts - 1));
    if (m) m.read = true;
  }
  const spread = (fromTs: number, toTs: number, litres: number) => {
    let from = toTs - fromTs > carryGapMs ? Math.max(fromTs, monthStartOf(toTs - 1)) : fromTs;
    const span = toTs - from;
    while (from < toTs) {
      const p = localParts(from, daiadZone);
      const to = Math.min(toTs, fromLocal(daiadZone, p.year, p.month + 1, 1));
      months.get(monthKey(from))!.litres += (litres * (to - from)) / span;
      from = to;
    }
  };
  const within = (value: number, ts: number, base: number, baseTs: number) => value - base <= (maxFlowLitresPerHour * Math.max(ts - baseTs, hour)) / hour;
  let base = sorted[0]!;
  let series: { row: DaiadRow; oldSeriesSince: boolean } | null = null;
  let billed = 0;
  let heldSteps = 0;
  const jumps: number[] = [];
  for (const r of sorted.slice(1)) {
    // Continuing the jump's series (at or above its last value, within the flow from it) comes first.
    const continues = series !== null && r.register >= series.row.register && within(r.register, r.ts, series.row.register, series.row.ts);
    if (continues && series) {
      if (series.oldSeriesSince) series.row = r;
      else {
        heldSteps += series.row.register - base.register;
        if (r.register > series.row.register) spread(series.row.ts, r.ts, r.register - series.row.register);
        billed += r.register - series.row.register;
        base = r;
        series = null;
      }
    } else if (r.register >= base.register && within(r.register, r.ts, base.register, base.ts)) {
      if (r.register > base.register) spread(base.ts, r.ts, r.register - base.register);
      billed += r.register - base.register;
      base = r;
      if (series) series.oldSeriesSince = true;
    } else if (r.register > base.register) {
      jumps.push(r.ts);
      series = { row: r, oldSeriesSince: false };
    }
  }
  return { months, billed, firstRegister: sorted[0]!.register, lastAccepted: base.register, heldSteps, jumps };
}

/** Litres billed per local calendar month by the rule of daiadBilling. */
export function daiadMonthlyConsumption(rows: DaiadRow[]): Map<string, number> {
  return new Map([...daiadBilling(rows).months].map(([month, m]) => [month, m.litres]));
}
