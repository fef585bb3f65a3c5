import { invoiceLinesTable } from '../../core/streams/invoices';
import { defaultBarchart, sql, type DashboardRow } from '../common';

const ln = invoiceLinesTable.columns;

export const linesRow: DashboardRow = {
  title: 'Invoice lines',
  panels: [
    defaultBarchart('Invoiced amount by tier', 'tier')
      .description('Tier lines and tier adjustments of final bills and adjustments: quantity and amount per tier.')
      .span(24)
      .withTarget(
        sql(
          `SELECT concat('tier ', ${ln.tier}) AS tier, sum(${ln.quantity}) AS quantity, sum(${ln.amount_cents}) / 100.0 AS amount
          FROM invoice_lines
          WHERE ${ln.status} IN ('final', 'adjusted') AND ${ln.kind} IN ('tier', 'adjustment') AND ${ln.tier} IS NOT NULL AND $__timeFilter(${ln.ts})
          GROUP BY ${ln.tier}
          ORDER BY ${ln.tier}`,
        ),
      ),
  ],
};
