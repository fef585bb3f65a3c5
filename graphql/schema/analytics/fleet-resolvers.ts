import type { MeterKind } from '../../../core/contracts';
import type { GraphqlContext } from '../../context';
import { currentAlerts } from '../alerts/alert-queries';
import { validatePageSize, validateRange } from '../arguments';
import { meterUsage, summarizeUsage, topByConsumption } from './meter-usage';

interface FleetArgs {
  sector?: string | null;
  kind?: MeterKind | null;
  from: Date;
  to: Date;
}

/** Query.fleetStats: one per-meter aggregate query plus the current alerts of the sector. */
export async function resolveFleetStats(_: unknown, args: FleetArgs, context: GraphqlContext) {
  validateRange(args.from, args.to, context.limits.maxRangeMs);
  const [usage, alerts] = await Promise.all([meterUsage(context, args), currentAlerts(context, { sector: args.sector ?? null })]);
  const kindOf = args.kind ? new Map((await context.meters.list({ kind: args.kind })).map((m) => [m.meterId, m.kind])) : null;
  const open = alerts.filter((a) => a.state !== 'CLOSED' && (kindOf === null || kindOf.has(a.meterId)));
  const { consumption, meanValue } = summarizeUsage(usage);
  return {
    sector: args.sector ?? null,
    kind: args.kind ?? null,
    from: args.from,
    to: args.to,
    meters: usage.length,
    readings: usage.reduce((n, u) => n + u.readings, 0),
    consumption,
    meanValue,
    openAlerts: open.length,
  };
}

/** Query.topConsumers: the same per-meter aggregates, largest register advance first. */
export async function resolveTopConsumers(_: unknown, args: FleetArgs & { limit: number }, context: GraphqlContext) {
  validateRange(args.from, args.to, context.limits.maxRangeMs);
  validatePageSize('limit', args.limit, context.limits.maxPageSize);
  const usage = await meterUsage(context, args);
  return topByConsumption(usage, args.limit).map((u) => ({ meterId: u.meterId, consumption: u.consumption, unit: u.registerUnit, readings: u.readings }));
}
