import { questdbTables } from '../../core/contracts';
import type { AlertEvent } from '../alert-rules/alert-event';
import type { OutputRow } from '../runtime/keyed-processor';

/** An alert transition as a row of the alerts table (ts = event time of the transition). */
export function alertRow(event: AlertEvent): OutputRow {
  return {
    table: questdbTables.alerts.name,
    ts: event.at,
    symbols: { alert_id: event.alertId, meter_id: event.meterId, rule: event.rule, rule_kind: event.ruleKind, severity: event.severity, state: event.state, ...(event.sector ? { sector: event.sector } : {}) },
    values: {
      started_at: event.startedAt,
      ended_at: event.endedAt ?? null,
      estimated_loss_l: event.estimatedLossL ?? null,
      evidence: JSON.stringify(event.evidence),
    },
    types: { started_at: 'timestamp', ended_at: 'timestamp' },
  };
}
