import type { QuestdbPool } from '../../../core/questdb/questdb-sql';
import { alertsTable, storedAlertColumns, type StoredAlertRow } from '../../../core/streams/alerts';

const al = alertsTable.columns;

/** The latest row (current state) of one alert, as stored in the alerts table. */
export async function currentAlertRow(questdb: QuestdbPool, alertId: string): Promise<StoredAlertRow | null> {
  const { rows } = await questdb.query<StoredAlertRow>(`SELECT ${storedAlertColumns} FROM alerts WHERE ${al.alert_id} = $1 ORDER BY ${al.ts} DESC LIMIT 1`, [alertId]);
  return rows[0] ?? null;
}
