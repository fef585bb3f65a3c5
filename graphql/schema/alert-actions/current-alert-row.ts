import type { QuestdbPool } from '../../../core/questdb/questdb-sql';

/** The latest row (current state) of one alert, as stored in the alerts table. */
export interface AlertRow {
  ts: Date;
  alert_id: string;
  meter_id: string;
  sector: string | null;
  rule: string;
  rule_kind: string;
  severity: string;
  state: string;
  started_at: Date | null;
  ended_at: Date | null;
  estimated_loss_l: number | null;
  evidence: string | null;
}

export async function currentAlertRow(questdb: QuestdbPool, alertId: string): Promise<AlertRow | null> {
  const { rows } = await questdb.query<AlertRow>(
    `SELECT ts, alert_id, meter_id, sector, rule, rule_kind, severity, state, started_at, ended_at, estimated_loss_l, evidence
       FROM alerts WHERE alert_id = $1 ORDER BY ts DESC LIMIT 1`,
    [alertId],
  );
  return rows[0] ?? null;
}
