/**
 * Prices one tariff's share of a billing period.
 *
 * - Days: `days` are the billable days under this tariff, `billableDays` all billable days of
 *   the period (days in service), `periodDays` the period's calendar length.
 * - Usage split (a tariff change mid-period): this tariff's share of the consumption is the
 *   period's consumption × days / billableDays (a rate change mid-period splits usage by daily average) — for TOU, each
 *   TOU period's consumption is split the same way, and for dated TOU each band's.
 * - Dated TOU: one set of block lines per band with usage (kind `tou`, `period` = the band's
 *   name), from `bandUsage` (band-usage.ts), exactly as a TOU period's.
 * - Fixed charge: × days / periodDays (a whole period pays it once, whatever its length).
 * - Blocks: each `upTo` and each flat amount × days / referenceDays (tierReferenceDays, or
 *   periodDays when it is null), so a 15-day move-in gets half-size blocks of a 30-day tariff.
 * - Rounding: quantities and scaled block bounds to 3 decimals, half-up; each line's amount
 *   half-up to the cent (money.ts).
 */
import { lineAmountCents, roundQuantity, toCents } from '../../core/units/money';
import type { Tariff, TariffBlock } from '../../core/tariffs/tariff';
import { hourSlot, type UsageProfile } from './usage-profile';
import type { ChargeKind, InvoiceLine } from './invoice';

export interface PricingInput {
  tariff: Tariff;
  /** The whole period's consumption, already in `tariff.unit`. */
  usage: UsageProfile;
  /**
   * For a dated TOU tariff (`tariff.datedTou`): the whole period's consumption by band (index
   * into `datedTou.bands`, band-usage.ts), in `tariff.unit`. Unused by other tariffs.
   */
  bandUsage?: readonly number[];
  days: number;
  billableDays: number;
  periodDays: number;
}

function num(x: number): string {
  return String(roundQuantity(x));
}

function priceBlocks(
  blocks: readonly TariffBlock[],
  used: number,
  factor: number,
  base: { kind: ChargeKind; tariffId: string; unit: string; period: string | null },
): InvoiceLine[] {
  const lines: InvoiceLine[] = [];
  let lower = 0;
  for (let i = 0; i < blocks.length; i++) {
    const block = blocks[i]!;
    if (i > 0 && used <= lower) break;
    const upper = block.upTo === null ? Infinity : roundQuantity(block.upTo * factor);
    const quantity = roundQuantity(Math.max(0, Math.min(used, upper) - lower));
    const range = `${num(lower)}–${upper === Infinity ? '' : num(upper)} ${base.unit}`;
    const where = base.period === null ? '' : `${base.period} `;
    if (block.flatAmount !== undefined) {
      lines.push({ ...base, adjusts: null, tier: i + 1, quantity, rate: null, amountCents: toCents(block.flatAmount * factor), description: `${where}block ${i + 1} (${range}), flat` });
    } else if (quantity > 0) {
      const rate = block.rate!;
      lines.push({ ...base, adjusts: null, tier: i + 1, quantity, rate, amountCents: lineAmountCents(quantity, rate), description: `${where}block ${i + 1} (${range}) at ${rate}/${base.unit}` });
    }
    lower = upper;
  }
  return lines;
}

/** Lines of TOU periods or dated bands: each one's usage × share priced with its own blocks; nothing for an unused one without a flat block. */
function priceTouPeriods(periods: ReadonlyArray<{ name: string; blocks: readonly TariffBlock[] }>, usage: readonly number[], share: number, tierFactor: number, tariff: Tariff): InvoiceLine[] {
  const lines: InvoiceLine[] = [];
  periods.forEach((period, k) => {
    const used = roundQuantity(usage[k]! * share);
    if (used === 0 && !period.blocks.some((b) => b.flatAmount !== undefined)) return;
    lines.push(...priceBlocks(period.blocks, used, tierFactor, { kind: 'tou', tariffId: tariff.id, unit: tariff.unit, period: period.name }));
  });
  return lines;
}

/** The invoice lines of one tariff's share of a period. */
export function priceUsage(input: PricingInput): InvoiceLine[] {
  const { tariff, usage, days, billableDays, periodDays } = input;
  if (days <= 0 || billableDays <= 0) return [];
  const share = days / billableDays;
  const tierFactor = days / (tariff.tierReferenceDays ?? periodDays);
  const lines: InvoiceLine[] = [];
  if (tariff.fixedCharge > 0) {
    const fraction = days / periodDays;
    lines.push({
      kind: 'fixed',
      adjusts: null,
      tariffId: tariff.id,
      tier: null,
      period: null,
      quantity: Math.round(fraction * 10_000) / 10_000,
      unit: 'period',
      rate: tariff.fixedCharge,
      amountCents: toCents(tariff.fixedCharge * fraction),
      description: `fixed charge, ${days}/${periodDays} days`,
    });
  }
  if (tariff.blocks) {
    lines.push(...priceBlocks(tariff.blocks, roundQuantity(usage.total * share), tierFactor, { kind: 'tier', tariffId: tariff.id, unit: tariff.unit, period: null }));
  }
  if (tariff.tou) {
    const { periods, weekdaySchedule, weekendSchedule } = tariff.tou;
    const byPeriod = new Array<number>(periods.length).fill(0);
    for (let m = 1; m <= 12; m++) {
      for (let h = 0; h < 24; h++) {
        byPeriod[weekdaySchedule[m - 1]![h]!]! += usage.byHour[hourSlot(m, false, h)]!;
        byPeriod[weekendSchedule[m - 1]![h]!]! += usage.byHour[hourSlot(m, true, h)]!;
      }
    }
    lines.push(...priceTouPeriods(periods, byPeriod, share, tierFactor, tariff));
  }
  if (tariff.datedTou) {
    const bands = tariff.datedTou.bands;
    if (input.bandUsage?.length !== bands.length) throw new Error(`priceUsage: tariff "${tariff.id}" is dated TOU and needs bandUsage for its ${bands.length} bands`);
    lines.push(...priceTouPeriods(bands, input.bandUsage, share, tierFactor, tariff));
  }
  return lines;
}
