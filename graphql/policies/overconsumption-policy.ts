import type { QuestdbPool } from '../../core/questdb/questdb-sql';

export interface OverconsumingMeter {
  meterId: string;
  alertId: string;
}

/** Meters with an open above-group-average alert (current state = the alert's latest row). */
export async function findOverconsumers(questdb: QuestdbPool): Promise<OverconsumingMeter[]> {
  const { rows } = await questdb.query<{ alert_id: string; meter_id: string; state: string }>(
    `SELECT alert_id, meter_id, state FROM alerts WHERE rule_kind = 'above-group-average' LATEST ON ts PARTITION BY alert_id`,
  );
  return rows.filter((r) => r.state === 'open').map((r) => ({ meterId: r.meter_id, alertId: r.alert_id }));
}
