import * as common from '@grafana/grafana-foundation-sdk/common';
import { defaultTable, defaultTimeseries, sql, type DashboardRow } from '../common';

/** Final bills and adjustments: what was invoiced (provisional bills are still changing). */
const invoiced = `status IN ('final', 'adjusted')`;

export const invoicedRow: DashboardRow = {
  title: 'Invoiced',
  panels: [
    defaultTimeseries('Invoiced volume per period')
      .description('Consumption on final bills and adjustments, by period start.')
      .drawStyle(common.GraphDrawStyle.Bars)
      .withTarget(
        sql(
          `SELECT ts AS time, consumption_unit, sum(consumption) AS consumption
          FROM invoices
          WHERE ${invoiced} AND $__timeFilter(ts)
          GROUP BY ts, consumption_unit
          ORDER BY time, consumption_unit`,
          'time_series',
        ),
      ),
    defaultTimeseries('Revenue per period')
      .description('Totals of final bills and adjustments, by period start and currency.')
      .withTarget(
        sql(
          `SELECT ts AS time, currency, sum(total_cents) / 100.0 AS revenue
          FROM invoices
          WHERE ${invoiced} AND $__timeFilter(ts)
          GROUP BY ts, currency
          ORDER BY time, currency`,
          'time_series',
        ),
      ),
    defaultTable('Periods')
      .description('Per period and status: bills, volume and amount.')
      .span(24)
      .withTarget(
        sql(
          `SELECT period_label, status, currency, count() AS invoices, sum(consumption) AS consumption, sum(total_cents) / 100.0 AS amount
          FROM invoices
          WHERE ${invoiced} AND $__timeFilter(ts)
          GROUP BY period_label, status, currency
          ORDER BY period_label DESC, status`,
        ),
      ),
  ],
};
