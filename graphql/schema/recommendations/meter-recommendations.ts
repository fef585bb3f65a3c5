/**
 * Meter.recommendations: reads what the pure rules (graphql/recommendations/) need from
 * QuestDB — the meter's register readings over the window (at most one per quarter hour), its
 * open leak alerts, its sector's consumption — resolves its tariff as billing does, and calls
 * them. Nothing is stored: every call computes from the readings as they are.
 */
import { defaultUnits } from '../../../core/contracts';
import { tariffIdOn } from '../../../core/tariffs/tariff-assignment';
import { priceListOn } from '../../../core/tariffs/tariff-catalog';
import { localDate } from '../../../core/time/local-days';
import { unitFactor } from '../../../core/units/units';
import { formatCents } from '../../../core/units/money';
import { customerOwnership, intervalsSql } from '../../auth/ownership';
import type { GraphqlContext } from '../../context';
import { badInput } from '../../errors';
import type { MeterRecord } from '../../meters/meter-directory';
import { leakRateOf, type OpenLeak } from '../../recommendations/leak-cost';
import type { PeerUse } from '../../recommendations/peer-comparison';
import { recommend } from '../../recommendations/recommend';
import { dayMs, defaultRecommendationOptions, type Recommendation, type RecommendationOptions, type UsageWindow } from '../../recommendations/recommendation';
import { usageSlots } from '../../recommendations/usage-slots';
import { openAlertsOf } from '../alerts/alert-queries';

export interface RecommendationArgs {
  days?: number | null;
  to?: Date | null;
  assumptions?: { shiftableShare?: number | null; standbyPercentile?: number | null; standbyReduction?: number | null; minPeers?: number | null } | null;
}

export interface RecommendationView extends Recommendation {
  savingPerYear: string;
  tariffId: string;
  windowFrom: Date;
  windowTo: Date;
}

export const maxWindowDays = 366;

function between(field: string, value: number | null | undefined, min: number, max: number, integer = false): number | undefined {
  if (value === null || value === undefined) return undefined;
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) throw badInput(field, `must be ${integer ? 'an integer ' : ''}between ${min} and ${max}; got ${value}`);
  return value;
}

/** The arguments checked; errors name the argument. */
export function recommendationSettings(args: RecommendationArgs): { days: number; to: Date | null; options: RecommendationOptions } {
  const days = between('days', args.days ?? 90, 1, maxWindowDays, true)!;
  if (args.to != null && !Number.isFinite(args.to.getTime())) throw badInput('to', 'must be a valid instant');
  const a = args.assumptions ?? {};
  const options: RecommendationOptions = { ...defaultRecommendationOptions };
  options.shiftableShare = between('assumptions.shiftableShare', a.shiftableShare, 0, 1) ?? options.shiftableShare;
  options.standbyPercentile = between('assumptions.standbyPercentile', a.standbyPercentile, 1, 50) ?? options.standbyPercentile;
  options.standbyReduction = between('assumptions.standbyReduction', a.standbyReduction, 0, 1) ?? options.standbyReduction;
  options.minPeers = between('assumptions.minPeers', a.minPeers, 2, 1000, true) ?? options.minPeers;
  return { days, to: args.to ?? null, options };
}

/** Register readings, at most the last one per quarter hour (the attribution needs no more). */
async function registerPoints(context: GraphqlContext, meterId: string, from: Date, to: Date, clamp: string, params: unknown[]) {
  const { rows } = await context.questdb.query<{ at_ts: Date; register: number; unit: string | null }>(
    `SELECT max(ts) AS at_ts, last(register) AS register, last(register_unit) AS unit FROM readings WHERE meter_id = $1 AND register != null AND ts >= $2 AND ts <= $3${clamp} SAMPLE BY 15m ALIGN TO CALENDAR`,
    [meterId, from.toISOString(), to.toISOString(), ...params],
  );
  return rows.map((r) => ({ ts: r.at_ts.getTime(), register: Number(r.register), unit: r.unit }));
}

/** The sector's meters of the same kind: register advance over the window, annualised, in the tariff's unit. */
async function sectorUse(context: GraphqlContext, meter: MeterRecord, from: Date, to: Date, factor: number): Promise<PeerUse[]> {
  const { rows } = await context.questdb.query<{ meter_id: string; lo: number; hi: number; first_ts: Date; last_ts: Date }>(
    `SELECT meter_id, min(register) AS lo, max(register) AS hi, min(ts) AS first_ts, max(ts) AS last_ts FROM readings WHERE sector = $1 AND kind = $2 AND register != null AND ts >= $3 AND ts <= $4 GROUP BY meter_id`,
    [meter.sector, meter.kind, from.toISOString(), to.toISOString()],
  );
  return rows
    .filter((r) => r.last_ts.getTime() - r.first_ts.getTime() >= dayMs)
    .map((r) => ({ meterId: r.meter_id, perYear: ((Number(r.hi) - Number(r.lo)) * factor * 365 * dayMs) / (r.last_ts.getTime() - r.first_ts.getTime()) }));
}

/** Every recommendation of a meter the caller may read (the Meter parent passed the access check). */
export async function recommendationsOf(context: GraphqlContext, meter: MeterRecord, args: RecommendationArgs): Promise<RecommendationView[]> {
  const { days, to: requestedTo, options } = recommendationSettings(args);
  const registerUnit = defaultUnits[meter.kind].register;
  if (!registerUnit) return [];
  // A customer sees the meter's readings only from when it was theirs (ownership.ts).
  const owned = (await customerOwnership(context, [meter.meterId]))?.get(meter.meterId);
  const clampParams: unknown[] = [];
  let clamp = '';
  if (owned) {
    // Parameters after the first three ($1 meter, $2 from, $3 to).
    const placeholder: unknown[] = [null, null, null];
    clamp = ` AND ${intervalsSql(owned, placeholder)}`;
    clampParams.push(...placeholder.slice(3));
  }
  let to = requestedTo;
  if (to === null) {
    const { rows } = await context.questdb.query<{ last_ts: Date | null }>(
      `SELECT max(ts) AS last_ts FROM readings WHERE meter_id = $1 AND register != null AND ts >= $2 AND ts <= $3${clamp}`,
      [meter.meterId, '1970-01-01T00:00:00.000Z', '2999-12-31T00:00:00.000Z', ...clampParams],
    );
    if (!rows[0]?.last_ts) return [];
    to = rows[0].last_ts;
  }
  const from = new Date(to.getTime() - days * dayMs);
  const points = await registerPoints(context, meter.meterId, from, to, clamp, clampParams);
  const unit = points[points.length - 1]?.unit ?? registerUnit;
  const zone = meter.timeZone ?? context.billingTimeZone;
  const date = localDate(to.getTime(), zone);
  const tariffId = meter.tariffId ?? tariffIdOn(context.tariffAssignment, meter.meterId, meter.sector, date);
  const priced = priceListOn(await context.tariffs.get(), tariffId, date);
  if (priced === null) return [];
  const factor = unitFactor(unit, priced.tariff.unit);
  if (factor === null) return [];
  const usage = usageSlots(points, factor);
  if (usage === null) return [];
  const window: UsageWindow = { meterId: meter.meterId, kind: meter.kind, zone, tariff: priced.tariff, registerToTariff: factor, ...usage };
  const leaks: OpenLeak[] = [];
  for (const alert of await openAlertsOf(context, meter.meterId)) {
    if (alert.ruleKind !== 'continuous-flow' && alert.ruleKind !== 'night-flow') continue;
    let evidence: Record<string, unknown> = {};
    try {
      evidence = JSON.parse(alert.evidence ?? '{}') as Record<string, unknown>;
    } catch {
      continue;
    }
    const rate = leakRateOf(alert.ruleKind, evidence);
    if (rate !== null) leaks.push({ alertId: alert.id, ruleKind: alert.ruleKind, startedAt: alert.startedAt?.getTime() ?? 0, ratePerHour: rate });
  }
  const peers = meter.sector === null ? null : { sector: meter.sector, meters: await sectorUse(context, meter, from, to, factor) };
  return recommend({ window, registerUnit: unit, leaks, peers }, options).map((r) => ({
    ...r,
    savingPerYear: formatCents(r.savingPerYearCents),
    tariffId: priced.tariff.id,
    windowFrom: new Date(usage.from),
    windowTo: new Date(usage.to),
  }));
}
