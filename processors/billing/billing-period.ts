/**
 * Tumbling billing periods in the meter's local time zone. A period starts at local midnight
 * of the cycle day (1 = calendar month) and ends where the next one starts, so its length in
 * hours changes with DST while its length in days is the calendar count.
 */
import { fromLocal, localParts } from '../../core/time/local-time';
import { daysBetween, localDate } from '../../core/time/local-days';

export interface BillingCycle {
  /** IANA time zone of the meter (checked when the meter profile is validated). */
  zone: string;
  /**
   * Local day of the month on which each period starts, 1-28 (29-31 do not exist in every
   * month, so they are refused rather than silently moved).
   * @default 1 (calendar months)
   */
  cycleDay: number;
}

export interface BillingPeriod {
  /** Local midnight of the cycle day, epoch ms (inclusive). */
  start: number;
  /** Start of the next period, epoch ms (exclusive). */
  end: number;
  /** The local start date, `YYYY-MM-DD`; stable id of the period for a meter. */
  label: string;
  /** Calendar days in the period (28-31). */
  days: number;
}

function periodStartingIn(cycle: BillingCycle, year: number, month: number): BillingPeriod {
  // fromLocal lets month overflow (0 = December of the year before, 13 = January after).
  const start = fromLocal(cycle.zone, year, month, cycle.cycleDay);
  const end = fromLocal(cycle.zone, year, month + 1, cycle.cycleDay);
  const label = localDate(start, cycle.zone);
  return { start, end, label, days: daysBetween(label, localDate(end, cycle.zone)) };
}

/** The period that contains instant `ts`. */
export function billingPeriodAt(ts: number, cycle: BillingCycle): BillingPeriod {
  const p = localParts(ts, cycle.zone);
  return periodStartingIn(cycle, p.year, p.day >= cycle.cycleDay ? p.month : p.month - 1);
}

export function nextBillingPeriod(period: BillingPeriod, cycle: BillingCycle): BillingPeriod {
  return billingPeriodAt(period.end, cycle);
}

export function previousBillingPeriod(period: BillingPeriod, cycle: BillingCycle): BillingPeriod {
  return billingPeriodAt(period.start - 1, cycle);
}
