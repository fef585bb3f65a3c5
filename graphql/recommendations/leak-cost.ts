/**
 * LEAK: a leak left unrepaired. From the meter's open (or acknowledged) continuous-flow and
 * night-flow alerts (processors/leak-detection): the leak rate is the continuous-flow rule's
 * `leakRateLph` (the lowest hourly volume of its 24-hour window) or the night-flow rule's
 * `minFlowLpm` × 60. With several alerts open the largest rate is taken (they measure the same
 * water). Cost per year = rate × 8,760 h × the tariff's marginal rate at the meter's use (the
 * leaked water is billed on top of it).
 */
import { amounts, fmt, hoursPerYear, money, windowDays, type Recommendation, type UsageWindow } from './recommendation';
import { marginalRate, pricedBands, timeAverageRate } from './tariff-rates';

export interface OpenLeak {
  alertId: string;
  ruleKind: 'continuous-flow' | 'night-flow';
  startedAt: number;
  /** Register units (L) per hour. */
  ratePerHour: number;
}

/** The leak rate an open alert's evidence gives, register units per hour; null when it gives none. */
export function leakRateOf(ruleKind: string, evidence: Record<string, unknown>): number | null {
  const n = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null);
  if (ruleKind === 'continuous-flow') return n(evidence.leakRateLph);
  if (ruleKind === 'night-flow') {
    const lpm = n(evidence.minFlowLpm);
    return lpm === null ? null : lpm * 60;
  }
  return null;
}

/** The price of one more unit: the marginal rate of blocks at the window's use, else the time-weighted rate of the bands. */
export function unitPrice(w: UsageWindow): number {
  const days = windowDays(w);
  const p = pricedBands(w, days);
  if (w.tariff.blocks) return marginalRate(w.tariff.blocks, p.used[0]!, days / (w.tariff.tierReferenceDays ?? 30));
  return timeAverageRate(p);
}

export function leakCost(w: UsageWindow, leaks: readonly OpenLeak[], registerUnit: string): Recommendation | null {
  if (leaks.length === 0) return null;
  const worst = leaks.reduce((a, b) => (b.ratePerHour > a.ratePerHour ? b : a));
  const { tariff } = w;
  const u = tariff.unit;
  const price = unitPrice(w);
  const perYear = worst.ratePerHour * hoursPerYear * w.registerToTariff;
  const cost = perYear * price;
  const { savingPerYearCents, quantityPerYear } = amounts(cost, perYear);
  const source = worst.ruleKind === 'continuous-flow' ? 'continuous flow for 24 h' : 'flow every night';
  return {
    kind: 'LEAK',
    title: `Repair the leak: ${fmt(worst.ratePerHour)} ${registerUnit}/h of ${source} since ${new Date(worst.startedAt).toISOString()}`,
    savingPerYearCents,
    currency: tariff.currency,
    quantityPerYear,
    unit: u,
    computation: [
      ...leaks.map((l) => `open ${l.ruleKind} alert ${l.alertId}: ${fmt(l.ratePerHour)} ${registerUnit}/h`),
      `leak rate: ${fmt(worst.ratePerHour)} ${registerUnit}/h × ${hoursPerYear} h = ${fmt(worst.ratePerHour * hoursPerYear)} ${registerUnit} per year = ${fmt(perYear)} ${u}`,
      `price: ${fmt(price, 6)} ${tariff.currency}/${u} (tariff ${tariff.id}, the rate of the next unit at this meter's use)`,
      `cost if unrepaired: ${fmt(perYear)} × ${fmt(price, 6)} = ${money(savingPerYearCents, tariff.currency)} per year`,
    ],
    alertIds: leaks.map((l) => l.alertId),
  };
}
