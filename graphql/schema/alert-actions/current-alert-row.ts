import type { QuestdbPool } from '../../../core/questdb/questdb-sql';
import { alertsTable } from '../../../core/streams/alerts';
import { alertColumns, type AlertSql } from '../alerts/alert-queries';

const col = alertsTable.columns;

/** The latest row (current state) of one alert, as stored in the alerts table. */
export async function currentAlertRow(questdb: QuestdbPool, alertId: string): Promise<AlertSql | null> {
  const { rows } = await questdb.query<AlertSql>(`SELECT ${alertColumns} FROM alerts WHERE ${col.alert_id} = $1 ORDER BY ${col.ts} DESC LIMIT 1`, [alertId]);
  return rows[0] ?? null;
}
