import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { fromLocal, localParts } from '../../../core/time/local-time';

// An independent reading of the DAIAD fixture and the billing rule of docs/billing.md, for
// tests that check what the pipeline made of it. Written apart from the import and the
// processors on purpose: plain string splitting and the rule worked out directly.

export const daiadZone = 'Europe/Madrid';
export const daiadFixture = path.resolve(__dirname, '../../fixtures/daiad/swm_trialA_6meters.csv.gz');

export interface DaiadRow {
  meter: string;
  ts: number;
  register: number;
  /** Position in the file (0 = first data row). */
  order: number;
}

/** Every readable row of the fixture, in file order (the first `meterCount` meters). */
export function loadDaiadRows(meterCount = 6): DaiadRow[] {
  const lines = gunzipSync(readFileSync(daiadFixture)).toString('utf8').split('\n').slice(1);
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

/**
 * The rule of docs/billing.md, computed here on its own: in event time (the later row wins an
 * instant), a value at or above the last accepted one adds the difference, spread evenly from
 * the last accepted instant; a lower value is an unexplained decrease, excluded, and the last
 * accepted value holds. Totals per local calendar month ("2016-03-01" → litres).
 */
export function daiadMonthlyConsumption(rows: DaiadRow[]): Map<string, number> {
  const sorted = latestPerInstant(rows);
  const totals = new Map<string, number>();
  const monthKey = (ts: number) => {
    const p = localParts(ts, daiadZone);
    return `${p.year}-${String(p.month).padStart(2, '0')}-01`;
  };
  let base: DaiadRow | null = null;
  for (const r of sorted) {
    if (!base) {
      base = r;
      continue;
    }
    if (r.register < base.register) continue;
    const quantity = r.register - base.register;
    // Spread over (base.ts, r.ts], cut at local month starts.
    let from = base.ts;
    while (from < r.ts) {
      const p = localParts(from, daiadZone);
      const nextMonth = fromLocal(daiadZone, p.year, p.month + 1, 1);
      const to = Math.min(r.ts, nextMonth);
      // The instant `from` itself belongs to the span before it, so a span starting at a month start counts in that month.
      totals.set(monthKey(from), (totals.get(monthKey(from)) ?? 0) + (quantity * (to - from)) / (r.ts - base.ts));
      from = to;
    }
    base = r;
  }
  return totals;
}
