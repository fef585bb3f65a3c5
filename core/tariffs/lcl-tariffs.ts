/**
 * The Low Carbon London trial's two electricity tariffs, at their published prices (GBP per
 * kWh, no standing charge in the trial's price list):
 * - dynamic time of use (dToU), a dated TOU tariff: High 67.20p, Low 3.99p, Normal 11.76p,
 *   its calendar converted from the trial's schedule file (lcl-schedule.ts);
 * - standard (Std), flat 14.228p.
 * and a billing configuration (MF_BILLING_CONFIG_FILE) that puts chosen meters on dToU.
 */
import type { BillingOptionsInput } from './billing-options';
import type { LclCalendar } from './lcl-schedule';
import type { TariffInput } from './tariff';

/** dToU prices, GBP per kWh. */
export const lclDtouRates: Readonly<Record<string, number>> = Object.freeze({ High: 0.672, Low: 0.0399, Normal: 0.1176 });
/** Std flat price, GBP per kWh. */
export const lclStdRate = 0.14228;

export interface LclDtouOptions {
  /** @default 'lcl-dtou' */
  id?: string;
  /** GBP per kWh by band; every band of the calendar and the default band needs one. @default lclDtouRates */
  rates?: Readonly<Record<string, number>>;
}

/** A dated TOU tariff from a converted schedule (validated when the billing config is parsed). */
export function lclDtouTariff(schedule: Pick<LclCalendar, 'calendar' | 'calendarEnd' | 'defaultBand'>, options: LclDtouOptions = {}): TariffInput {
  const rates = options.rates ?? lclDtouRates;
  return {
    id: options.id ?? 'lcl-dtou',
    name: 'Low Carbon London dynamic time of use',
    currency: 'GBP',
    unit: 'kWh',
    datedTou: {
      // Bands in the order of the rates given; a band the calendar names without a rate is left
      // out, so validation names it (`datedTou.calendar[i].band: band "X" does not exist`).
      bands: Object.entries(rates).map(([name, rate]) => ({ name, blocks: [{ upTo: null, rate }] })),
      defaultBand: schedule.defaultBand,
      calendar: schedule.calendar,
      calendarEnd: schedule.calendarEnd,
    },
  };
}

export function lclStdTariff(options: { id?: string; rate?: number } = {}): TariffInput {
  return { id: options.id ?? 'lcl-std', name: 'Low Carbon London standard (flat)', currency: 'GBP', unit: 'kWh', blocks: [{ upTo: null, rate: options.rate ?? lclStdRate }] };
}

/**
 * Both tariffs; `dtouMeters` on dToU and every other meter on Std, or every meter on dToU
 * when `dtouMeters` is empty.
 */
export function lclBillingConfig(dtou: TariffInput, std: TariffInput, dtouMeters: readonly string[] = []): BillingOptionsInput {
  return {
    tariffs: [dtou, std],
    assignment: dtouMeters.length === 0 ? { default: dtou.id } : { default: std.id, meters: Object.fromEntries(dtouMeters.map((m) => [m, dtou.id])) },
  };
}
