import { alertId, round3 } from '../../core/streams/alerts';
import type { RegisterAnomaly, RegisterAnomalyRule } from './rule-config';
import type { RuleContext } from './rule-state';

/**
 * Register anomalies (a decrease of a cumulative register is never negative consumption: it is
 * classified). The consumption processor classifies register events — wrap at a known modulus,
 * declared replacement, unexplained decrease, implausible jump — and this rule raises an alert for the
 * configured kinds (decrease and jump by default). Each is a one-off: it opens and stays open
 * until an admin acknowledges and closes it through the API.
 */
export interface RegisterEventInput {
  type: 'register-event';
  meterId: string;
  sector: string | null;
  /** Event time of the reading that showed it. */
  ts: number;
  anomaly: RegisterAnomaly;
  /** Register before and after. */
  from: number;
  to: number;
}

export function registerAnomaly(rule: RegisterAnomalyRule, input: RegisterEventInput, ctx: RuleContext): void {
  if (!rule.anomalies.includes(input.anomaly)) return;
  ctx.events.push({
    alertId: alertId(ctx.meterId, rule.id, input.ts),
    meterId: ctx.meterId,
    sector: ctx.sector,
    rule: rule.id,
    ruleKind: 'register-anomaly',
    severity: rule.severity,
    state: 'open',
    startedAt: input.ts,
    evidence: { anomaly: input.anomaly, from: input.from, to: input.to, delta: round3(input.to - input.from) },
    at: input.ts,
  });
}
