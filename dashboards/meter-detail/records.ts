import { defaultTable, sql, type DashboardRow } from '../common';
import { meter } from './variables';

export const recordsRow: DashboardRow = {
  title: 'Alerts and invoices',
  panels: [
    defaultTable('Alerts ($meter)')
      .description('Every alert transition of the meter in the time range.')
      .withTarget(
        sql(
          `SELECT ts, alert_id, rule, rule_kind, severity, state, started_at, ended_at, estimated_loss_l
          FROM alerts
          WHERE meter_id = ${meter} AND $__timeFilter(ts)
          ORDER BY ts DESC`,
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
          `SELECT ts AS period_start, period_label, invoice_id, status, revision, consumption, consumption_unit, total, currency, issued_at, due_date
          FROM invoices
          WHERE meter_id = ${meter} AND ts < $__timeTo()::timestamp AND period_end > $__timeFrom()::timestamp
          ORDER BY period_start DESC, invoice_id`,
        ),
      ),
  ],
};
