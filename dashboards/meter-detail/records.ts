import { sqlColumns } from '../../core/questdb/table-spec';
import { alertsTable } from '../../core/streams/alerts';
import { invoicesTable } from '../../core/streams/invoices';
import { defaultTable, sql, type DashboardRow } from '../common';
import { meter } from './variables';

const al = alertsTable.columns;
const inv = invoicesTable.columns;

export const recordsRow: DashboardRow = {
  title: 'Alerts and invoices',
  panels: [
    defaultTable('Alerts ($meter)')
      .description('Every alert transition of the meter in the time range.')
      .withTarget(
        sql(
          `SELECT ${sqlColumns(alertsTable, ['ts', 'alert_id', 'rule', 'rule_kind', 'severity', 'state', 'started_at', 'ended_at', 'estimated_loss_l'])}
          FROM alerts
          WHERE ${al.meter_id} = ${meter} AND $__timeFilter(${al.ts})
          ORDER BY ${al.ts} DESC`,
        ),
      ),
    defaultTable('Block history ($meter)')
      .description('Block and unblock commands issued to the meter (by admins or the auto-block policies) and how each ended; the latest APPLIED one is its status.')
      .withTarget(
        sql(
          `SELECT c.ts AS issued_at, c.type, c.reason, c.note, c.issued_by, e.state, e.ts AS state_at, e.reason AS state_reason, c.command_id
          FROM commands c
          LEFT JOIN command_events e ON c.command_id = e.command_id
          WHERE c.meter_id = ${meter} AND c.type IN ('block', 'unblock') AND $__timeFilter(c.ts)
          ORDER BY issued_at DESC, state_at DESC`,
        ),
      ),
    defaultTable('Invoices ($meter)')
      .description('Bills whose period overlaps the time range: provisional, final and adjustments.')
      .withTarget(
        sql(
          `SELECT ${inv.ts} AS period_start, ${inv.period_label}, ${inv.invoice_id}, ${inv.status}, ${inv.revision}, ${inv.consumption}, ${inv.consumption_unit}, ${inv.total}, ${inv.currency}, ${inv.issued_at}, ${inv.due_date}
          FROM invoices
          WHERE ${inv.meter_id} = ${meter} AND ${inv.ts} < $__timeTo()::timestamp AND ${inv.period_end} > $__timeFrom()::timestamp
          ORDER BY period_start DESC, ${inv.invoice_id}`,
        ),
      ),
  ],
};
