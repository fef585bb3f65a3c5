import * as common from '@grafana/grafana-foundation-sdk/common';
import { invoicesTable } from '../../core/streams/invoices';
import { defaultTable, defaultTimeseries, sql, type DashboardRow } from '../common';

const inv = invoicesTable.columns;

/** Final bills and adjustments: what was invoiced (provisional bills are still changing). */
const invoiced = `${inv.status} IN ('final', 'adjusted')`;

export const invoicedRow: DashboardRow = {
  title: 'Invoiced',
  panels: [
    defaultTimeseries('Invoiced volume per period')
      .description('Consumption on final bills and adjustments, by period start.')
      .drawStyle(common.GraphDrawStyle.Bars)
      .withTarget(
        sql(
          `SELECT ${inv.ts} AS time, ${inv.consumption_unit}, sum(${inv.consumption}) AS consumption
          FROM invoices
          WHERE ${invoiced} AND $__timeFilter(${inv.ts})
          GROUP BY ${inv.ts}, ${inv.consumption_unit}
          ORDER BY time, ${inv.consumption_unit}`,
          'time_series',
        ),
      ),
    defaultTimeseries('Revenue per period')
      .description('Totals of final bills and adjustments, by period start and currency.')
      .withTarget(
        sql(
          `SELECT ${inv.ts} AS time, ${inv.currency}, sum(${inv.total_cents}) / 100.0 AS revenue
          FROM invoices
          WHERE ${invoiced} AND $__timeFilter(${inv.ts})
          GROUP BY ${inv.ts}, ${inv.currency}
          ORDER BY time, ${inv.currency}`,
          'time_series',
        ),
      ),
    defaultTable('Periods')
      .description('Per period and status: bills, volume and amount.')
      .span(24)
      .withTarget(
        sql(
          `SELECT ${inv.period_label}, ${inv.status}, ${inv.currency}, count() AS invoices, sum(${inv.consumption}) AS consumption, sum(${inv.total_cents}) / 100.0 AS amount
          FROM invoices
          WHERE ${invoiced} AND $__timeFilter(${inv.ts})
          GROUP BY ${inv.period_label}, ${inv.status}, ${inv.currency}
          ORDER BY ${inv.period_label} DESC, ${inv.status}`,
        ),
      ),
  ],
};
