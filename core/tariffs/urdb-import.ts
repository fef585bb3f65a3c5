/**
 * Import of an electricity tariff from the OpenEI Utility Rate Database (URDB) JSON, as the
 * URDB API returns it (an item, or `{ items: [item, …] }`):
 * - `energyratestructure[period][tier] = { max?, rate?, adj?, unit? }`: the rate of a tier is
 *   rate + adj ($/kWh); `max` is the tier's upper bound in kWh per month (the last tier has
 *   none). Tiers are applied to each TOU period's own monthly consumption.
 * - `energyweekdayschedule` / `energyweekendschedule`: 12 × 24 period indices (0-based).
 * - `fixedchargefirstmeter` with `fixedchargeunits: "$/month"`, or the older
 *   `fixedmonthlycharge`: the fixed charge per billing period.
 * Demand charges, minimum charges, sell rates and coincident rates are not modelled: they are
 * listed in `warnings` so nobody believes they were applied. Currency is USD (URDB's).
 */
import { z } from 'zod';
import { billingConfigError, invalidBilling } from './billing-errors';
import { parseTariff, type Tariff } from './tariff';

const tierSchema = z
  .object({
    max: z.number().finite().positive().optional(),
    rate: z.number().finite().optional(),
    adj: z.number().finite().optional(),
    unit: z.string().optional(),
    sell: z.number().finite().optional(),
  })
  .passthrough();

const scheduleSchema = z.array(z.array(z.number().int().nonnegative()).length(24)).length(12);

const urdbItemSchema = z
  .object({
    label: z.string().optional(),
    name: z.string().optional(),
    utility: z.string().optional(),
    energyratestructure: z.array(z.array(tierSchema).min(1)).min(1),
    energyweekdayschedule: scheduleSchema,
    energyweekendschedule: scheduleSchema,
    fixedchargefirstmeter: z.number().finite().nonnegative().optional(),
    fixedchargeunits: z.string().optional(),
    fixedmonthlycharge: z.number().finite().nonnegative().optional(),
  })
  .passthrough();

export interface UrdbImportOptions {
  /** Tariff id. @default the URDB label */
  id?: string;
  /** Names of the TOU periods, by index. @default "p0", "p1", … */
  periodNames?: string[];
}

export interface UrdbImport {
  tariff: Tariff;
  /** URDB fields present but not applied. */
  warnings: string[];
}

const ignoredFields: Record<string, string> = {
  demandratestructure: 'TOU demand charges',
  flatdemandstructure: 'flat demand charges',
  coincidentratestructure: 'coincident demand charges',
  mincharge: 'minimum charge',
};

function decimals8(x: number): number {
  return Math.round(x * 1e8) / 1e8;
}

/** URDB JSON (item or API answer) → a validated TOU tariff. Throws BILLING_CONFIG_INVALID naming the URDB field. */
export function importUrdbTariff(json: unknown, options: UrdbImportOptions = {}): UrdbImport {
  let raw = json;
  if (typeof raw === 'object' && raw !== null && Array.isArray((raw as { items?: unknown }).items)) {
    const items = (raw as { items: unknown[] }).items;
    if (items.length !== 1) throw invalidBilling('urdb.items', `expected exactly one tariff item, got ${items.length}`);
    raw = items[0];
  }
  const parsed = urdbItemSchema.safeParse(raw);
  if (!parsed.success) throw billingConfigError('urdb', parsed.error);
  const item = parsed.data;
  const warnings: string[] = [];

  let fixedCharge = 0;
  if (item.fixedchargefirstmeter !== undefined) {
    const units = item.fixedchargeunits ?? '$/month';
    if (units !== '$/month') throw invalidBilling('urdb.fixedchargeunits', `"${units}" is not supported (only $/month)`);
    fixedCharge = item.fixedchargefirstmeter;
  } else if (item.fixedmonthlycharge !== undefined) fixedCharge = item.fixedmonthlycharge;

  const periods = item.energyratestructure.map((tiers, p) => ({
    name: options.periodNames?.[p] ?? `p${p}`,
    blocks: tiers.map((tier, t) => {
      const unit = tier.unit ?? 'kWh';
      if (unit !== 'kWh') throw invalidBilling(`urdb.energyratestructure[${p}][${t}].unit`, `"${unit}" is not supported (only kWh per month)`);
      if (tier.sell !== undefined && !warnings.includes('sell rates')) warnings.push('sell rates');
      const last = t === tiers.length - 1;
      if (!last && tier.max === undefined) throw invalidBilling(`urdb.energyratestructure[${p}][${t}].max`, 'required on every tier but the last');
      return { upTo: last ? null : tier.max!, rate: decimals8((tier.rate ?? 0) + (tier.adj ?? 0)) };
    }),
  }));
  for (const [field, what] of Object.entries(ignoredFields)) {
    if (field in (item as Record<string, unknown>)) warnings.push(`${what} (${field})`);
  }

  const id = options.id ?? item.label;
  if (id === undefined) throw invalidBilling('urdb.label', 'missing: pass options.id');
  const tariff = parseTariff(
    {
      id,
      name: [item.utility, item.name].filter(Boolean).join(': ') || undefined,
      currency: 'USD',
      unit: 'kWh',
      fixedCharge,
      tierReferenceDays: null,
      tou: { periods, weekdaySchedule: item.energyweekdayschedule, weekendSchedule: item.energyweekendschedule },
    },
    'urdb tariff',
  );
  return { tariff, warnings };
}
