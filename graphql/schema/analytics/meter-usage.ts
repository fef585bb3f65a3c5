import { readingsTable } from '../../../core/streams/readings';
import { customerScope } from '../../auth/authorize';
import { customerOwnership, intervalsSql } from '../../auth/ownership';
import type { GraphqlContext } from '../../context';
import type { MeterKind } from '../../../core/contracts';

/** One meter's readings over a range, as fleetStats and topConsumers need them. */
export interface MeterUsage {
  meterId: string;
  readings: number;
  /** Readings with a value, and their sum (for mean value). */
  valueCount: number;
  valueSum: number;
  valueUnit: string | null;
  /** max(register) - min(register) over the range; null without register readings. */
  consumption: number | null;
  registerUnit: string | null;
}

interface UsageRow {
  meter_id: string;
  n: string | number;
  vn: string | number;
  vsum: number | null;
  rmin: number | null;
  rmax: number | null;
  value_unit: string | null;
  register_unit: string | null;
}

const rd = readingsTable.columns;

export interface UsageArgs {
  sector?: string | null;
  kind?: MeterKind | null;
  from: Date;
  to: Date;
}

/**
 * Per-meter aggregates of readings in [from, to) (one GROUP BY over the interval scan), restricted
 * to the caller's meters for customers. Consumption is max(register) - min(register) within the
 * range: what the register advanced between the first and last reading in it (a register reset
 * inside the range would distort it; billing classifies those, this query does not).
 */
export async function meterUsage(context: GraphqlContext, args: UsageArgs): Promise<MeterUsage[]> {
  const params: unknown[] = [args.from.toISOString(), args.to.toISOString()];
  const where = [`${rd.ts} >= $1`, `${rd.ts} < $2`];
  if (args.sector) where.push(`${rd.sector} = $${params.push(args.sector)}`);
  if (args.kind) where.push(`${rd.kind} = $${params.push(args.kind)}`);
  // A customer's aggregate scans their own meters, each over the time it was theirs
  // (ownership.ts), in SQL: not the whole fleet's readings filtered afterwards.
  const scope = customerScope(context);
  if (scope !== null) {
    const mine = (await context.meters.list({ customerId: scope })).map((m) => m.meterId);
    const owned = (await customerOwnership(context, mine))!;
    const clauses = mine.map((id) => `(${rd.meter_id} = $${params.push(id)} AND ${intervalsSql(owned.get(id) ?? [], params)})`);
    if (clauses.length === 0) return [];
    where.push(`(${clauses.join(' OR ')})`);
  }
  const { rows } = await context.questdb.query<UsageRow>(
    `SELECT ${rd.meter_id}, count() n, count(${rd.value}) vn, sum(${rd.value}) vsum, min(${rd.register}) rmin, max(${rd.register}) rmax,
            last(${rd.value_unit}) value_unit, last(${rd.register_unit}) register_unit
       FROM readings WHERE ${where.join(' AND ')} GROUP BY ${rd.meter_id}`,
    params,
  );
  return rows.map((r) => ({
      meterId: r.meter_id,
      readings: Number(r.n),
      valueCount: Number(r.vn),
      valueSum: r.vsum ?? 0,
      valueUnit: r.value_unit,
      consumption: r.rmin === null || r.rmax === null ? null : r.rmax - r.rmin,
      registerUnit: r.register_unit,
    }));
}

export interface UnitAmount {
  unit: string | null;
  amount: number;
  meters: number;
}

/** Sums consumption and averages values per unit (water litres and kWh never add up together). */
export function summarizeUsage(usage: readonly MeterUsage[]): { consumption: UnitAmount[]; meanValue: UnitAmount[] } {
  const consumption = new Map<string | null, UnitAmount>();
  const values = new Map<string | null, { sum: number; n: number; meters: number }>();
  for (const u of usage) {
    if (u.consumption !== null) {
      const c = consumption.get(u.registerUnit) ?? { unit: u.registerUnit, amount: 0, meters: 0 };
      c.amount += u.consumption;
      c.meters += 1;
      consumption.set(u.registerUnit, c);
    }
    if (u.valueCount > 0) {
      const v = values.get(u.valueUnit) ?? { sum: 0, n: 0, meters: 0 };
      v.sum += u.valueSum;
      v.n += u.valueCount;
      v.meters += 1;
      values.set(u.valueUnit, v);
    }
  }
  const byUnit = (a: UnitAmount, b: UnitAmount) => String(a.unit).localeCompare(String(b.unit));
  return {
    consumption: [...consumption.values()].sort(byUnit),
    meanValue: [...values.entries()].map(([unit, v]) => ({ unit, amount: v.sum / v.n, meters: v.meters })).sort(byUnit),
  };
}

/** The meters with the largest consumption, ties by meter id. */
export function topByConsumption(usage: readonly MeterUsage[], limit: number): MeterUsage[] {
  return usage
    .filter((u) => u.consumption !== null)
    .sort((a, b) => b.consumption! - a.consumption! || (a.meterId < b.meterId ? -1 : 1))
    .slice(0, limit);
}
