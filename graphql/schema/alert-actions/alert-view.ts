import type { AlertRow } from './current-alert-row';

/** An alerts-table row as the Alert type's fields (states upper-case, as the schema's enum). */
export function alertFromRow(row: AlertRow) {
  return {
    id: row.alert_id,
    meterId: row.meter_id,
    sector: row.sector,
    rule: row.rule,
    ruleKind: row.rule_kind,
    severity: row.severity,
    state: row.state.toUpperCase(),
    startedAt: row.started_at,
    endedAt: row.ended_at,
    estimatedLossL: row.estimated_loss_l,
    evidence: row.evidence,
    updatedAt: row.ts,
  };
}
