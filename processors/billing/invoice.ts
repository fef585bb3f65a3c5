/**
 * Invoices and their lines. Amounts are integer cents; each line is rounded on its own
 * (money.ts) and the total is the sum of the rounded lines, so the lines always add up.
 *
 * Lifecycle (billing-state.ts): a `provisional` invoice for the open period, recomputed on
 * demand; one `final` invoice when the period closes plus grace; afterwards any change (late
 * reading, late replacement) produces a separate `adjusted` invoice whose lines are only the
 * differences. A final invoice is never re-emitted or changed.
 */
import { addDays } from '../../core/time/local-days';
import type { ReadingGap, RegisterDecrease } from './register-consumption';

/**
 * `no-read`: no register value measures any of the period (none in (start, end]: an outage, a
 * dead radio), so the bill is marked instead of being a silent zero; `estimated`: one of those
 * values is an estimate an admin recorded (recordMeterRead with estimated: true).
 */
export type ReadStatus = 'read' | 'estimated' | 'no-read';

export type InvoiceStatus = 'provisional' | 'final' | 'adjusted';
export type ChargeKind = 'fixed' | 'tier' | 'tou';
export type InvoiceLineKind = ChargeKind | 'adjustment';

export interface InvoiceLine {
  kind: InvoiceLineKind;
  /** For an adjustment line, the kind of charge it corrects. */
  adjusts: ChargeKind | null;
  tariffId: string;
  /** 1-based block number for tier and tou lines. */
  tier: number | null;
  /** Time-of-use period name for tou lines. */
  period: string | null;
  /** In `unit`, 3 decimals (fixed lines: the fraction of the period billed, unit "period"). */
  quantity: number;
  unit: string;
  /** Price per unit in major currency units; null for a flat block amount. */
  rate: number | null;
  amountCents: number;
  description: string;
}

export interface Invoice {
  /**
   * `<meterId>/<period label>`; the part of an owner who moved in during the period
   * `<meterId>/<period label>/from-<date>`; adjustments add `/adj-<n>`.
   */
  invoiceId: string;
  meterId: string;
  /** The customer billed: the meter's owner over the invoice's days (docs/billing.md, "Owners"); null = none named (vacant). */
  customerId: string | null;
  sector: string | null;
  status: InvoiceStatus;
  /** For adjustments, the final invoice they correct; else null. */
  adjusts: string | null;
  /** 0 for provisional and final invoices, n for the n-th adjustment of a period. */
  revision: number;
  zone: string;
  periodLabel: string;
  periodStart: number;
  periodEnd: number;
  periodDays: number;
  billableDays: number;
  /** Event-time instant the invoice was computed for (stream time, not wall clock). */
  issuedAt: number;
  /** Local date payment is due: close date (or issue date for adjustments) + due days. */
  dueDate: string;
  currency: string;
  /** Consumption in the period, in the register's unit (3 decimals). */
  consumption: number;
  consumptionUnit: string;
  lines: InvoiceLine[];
  totalCents: number;
  /** Register decreases in the period and how each was classified. */
  decreases: RegisterDecrease[];
  /** Stretches without readings longer than the configured limit. */
  gaps: ReadingGap[];
  readStatus: ReadStatus;
  /** Consumption over gaps that began in an earlier period, billed in this one (docs/billing.md, "Gaps"). */
  carried: CarriedGap[];
  /** Provisional invoices: the bill projected to the period's end; null when too little is known yet (or not provisional). */
  projection: BillProjection | null;
}

/**
 * A provisional bill projected to the end of its billable span: the consumption of the stretch
 * the readings cover, scaled to the whole span (same hourly profile), priced with the tariff.
 */
export interface BillProjection {
  totalCents: number;
  /** Projected consumption, in the register's unit (3 decimals). */
  consumption: number;
  /** Share of the billable span the readings cover, 0–1 (the scale is its inverse). */
  coverage: number;
}

/** Consumption measured over a gap that began in an earlier period, billed in the period of the reading that ends it. */
export interface CarriedGap {
  /** The reading before the gap. */
  from: number;
  /** The reading after it, in the invoice's period. */
  to: number;
  /** All of the gap's consumption, in the register's unit. */
  quantity: number;
}

export function totalCents(lines: readonly InvoiceLine[]): number {
  return lines.reduce((sum, l) => sum + l.amountCents, 0);
}

/** Local date `dueDays` after `closeDate`. */
export function dueDate(closeDate: string, dueDays: number): string {
  return addDays(closeDate, dueDays);
}

function lineKey(l: InvoiceLine): string {
  return `${l.adjusts ?? l.kind}|${l.tariffId}|${l.tier ?? ''}|${l.period ?? ''}`;
}

/**
 * The adjustment lines that turn what was billed into what should have been: one per charge
 * whose quantity or amount differs, carrying the differences (negative = credit).
 */
export function adjustmentLines(billed: readonly InvoiceLine[], current: readonly InvoiceLine[]): InvoiceLine[] {
  const before = new Map(billed.map((l) => [lineKey(l), l]));
  const after = new Map(current.map((l) => [lineKey(l), l]));
  const keys = [...new Set([...before.keys(), ...after.keys()])];
  const out: InvoiceLine[] = [];
  for (const key of keys) {
    const a = before.get(key);
    const b = after.get(key);
    const ref = (b ?? a)!;
    const quantity = Math.round(((b?.quantity ?? 0) - (a?.quantity ?? 0)) * 1000) / 1000 + 0;
    const amountCents = (b?.amountCents ?? 0) - (a?.amountCents ?? 0);
    if (quantity === 0 && amountCents === 0) continue;
    const adjusts = (ref.adjusts ?? ref.kind) as ChargeKind;
    out.push({
      kind: 'adjustment',
      adjusts,
      tariffId: ref.tariffId,
      tier: ref.tier,
      period: ref.period,
      quantity,
      unit: ref.unit,
      rate: ref.rate,
      amountCents,
      description: `adjustment of ${ref.description}`,
    });
  }
  return out;
}
