import { alertId, round3, type AlertEvidence } from '../../core/streams/alerts';
import type { BillVariationRule } from './rule-config';
import type { BillPeriod, BillState, RuleContext } from './rule-state';

/**
 * Bill variation [Oracle Opower's default: projected bill ≥ 30 % above the previous period].
 * Input: bill totals from the billing processor — projections during a period (final: false)
 * and the final bill at its end. An alert opens at the first total ≥ (1 + minIncrease) × the
 * previous period's final amount, and closes when a later total of that period drops below it, or with the period's final bill (a final bill
 * that is itself over the limit opens and closes at once). startedAt = the total that first
 * crossed the limit, so a second crossing in the same period is a new alert with its own id.
 */
export interface BillInput {
  type: 'bill';
  meterId: string;
  sector: string | null;
  periodStart: number;
  periodEnd: number;
  /** Total of the period so far projected to its end, or the final total. */
  amount: number;
  final: boolean;
  /** Event time the total was computed at (end of the data it covers). */
  at: number;
  /** A projection's basis, shown in the alert's evidence: the bill so far and how much of the period the readings cover. */
  projection?: { soFarAmount: number; coverage: number; consumption: number; unit: string; currency: string };
}

/** Records the total (keeps this and the previous period only). */
export function recordBill(st: BillState, input: BillInput): void {
  const existing = st.periods.find((p) => p.periodStart === input.periodStart);
  if (existing) {
    if (existing.final && !input.final) return; // a final bill is not replaced by a projection
    Object.assign(existing, { periodEnd: input.periodEnd, amount: input.amount, final: input.final });
  } else {
    st.periods.push({ periodStart: input.periodStart, periodEnd: input.periodEnd, amount: input.amount, final: input.final });
    st.periods.sort((a, b) => a.periodStart - b.periodStart);
    if (st.periods.length > 3) st.periods.splice(0, st.periods.length - 3);
  }
}

export function billVariation(st: BillState, rule: BillVariationRule, input: BillInput, ctx: RuleContext): void {
  const base = { meterId: ctx.meterId, sector: ctx.sector, rule: rule.id, ruleKind: 'bill-variation' as const, severity: rule.severity };
  const close = (at: number, evidence: AlertEvidence) => {
    const open = st.open[rule.id]!;
    ctx.events.push({ ...base, alertId: alertId(ctx.meterId, rule.id, open.startedAt), state: 'closed', startedAt: open.startedAt, endedAt: at, evidence, at });
    delete st.open[rule.id];
  };
  const open = st.open[rule.id];
  if (open && open.periodStart !== input.periodStart) {
    if (input.periodStart < open.periodStart) return; // an older period's late total
    close(input.at, { periodStart: open.periodStart, reason: 'period-ended' });
  }
  const previous = previousFinal(st.periods, input.periodStart);
  if (!previous || previous.amount <= 0) return;
  const above = input.amount >= previous.amount * (1 + rule.minIncrease);
  const evidence = {
    periodStart: input.periodStart,
    periodEnd: input.periodEnd,
    amount: round3(input.amount),
    previousAmount: round3(previous.amount),
    increase: round3(input.amount / previous.amount - 1),
    minIncrease: rule.minIncrease,
    final: input.final,
    ...(input.projection
      ? { projected: true, soFarAmount: round3(input.projection.soFarAmount), coverage: input.projection.coverage, projectedConsumption: input.projection.consumption, unit: input.projection.unit, currency: input.projection.currency }
      : {}),
  };
  if (above && !st.open[rule.id]) {
    st.open[rule.id] = { periodStart: input.periodStart, startedAt: input.at };
    ctx.events.push({ ...base, alertId: alertId(ctx.meterId, rule.id, input.at), state: 'open', startedAt: input.at, evidence, at: input.at });
  }
  // Back under the limit, or the period is over (its final bill): the alert has said its piece.
  if (st.open[rule.id] && (!above || input.final)) close(input.at, evidence);
}

function previousFinal(periods: BillPeriod[], periodStart: number): BillPeriod | undefined {
  return periods.filter((p) => p.final && p.periodEnd <= periodStart).sort((a, b) => b.periodStart - a.periodStart)[0];
}
