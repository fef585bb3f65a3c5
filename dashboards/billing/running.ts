import { invoicesTable } from '../../core/streams/invoices';
import { defaultTable, sql, type DashboardRow } from '../common';

const inv = invoicesTable.columns;

/**
 * The running periods: each meter's provisional bill so far and its projection to the period's
 * end (docs/customer-alerts.md), largest projection first — where an analyst looks before the
 * bills go out. A final bill replaces its provisional row, so only open periods are listed.
 */
export const runningRow: DashboardRow = {
  title: 'Running periods',
  panels: [
    defaultTable('Projected bills')
      .description('Open periods: the bill so far and projected to the period end (consumption of the days read, scaled to the period, priced), with the share of the period read. Periods starting in the time range.')
      .span(24)
      .withTarget(
        sql(
          `SELECT ${inv.meter_id}, ${inv.customer_id}, ${inv.period_label}, ${inv.currency}, ${inv.total_cents} / 100.0 AS so_far,
            ${inv.projected_total_cents} / 100.0 AS projected, ${inv.projected_consumption} AS projected_consumption, ${inv.consumption_unit}, ${inv.projection_coverage} AS coverage
          FROM invoices
          WHERE ${inv.status} = 'provisional' AND ${inv.projected_total_cents} != null AND $__timeFilter(${inv.ts})
          ORDER BY projected DESC
          LIMIT 200`,
        ),
      ),
  ],
};
