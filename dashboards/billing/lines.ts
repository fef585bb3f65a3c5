import { defaultBarchart, sql, type DashboardRow } from '../common';

export const linesRow: DashboardRow = {
  title: 'Invoice lines',
  panels: [
    defaultBarchart('Invoiced amount by tier', 'tier')
      .description('Tier lines and tier adjustments of final bills and adjustments: quantity and amount per tier.')
      .span(24)
      .withTarget(
        sql(
          `SELECT concat('tier ', tier) AS tier, sum(quantity) AS quantity, sum(amount_cents) / 100.0 AS amount
          FROM invoice_lines
          WHERE status IN ('final', 'adjusted') AND kind IN ('tier', 'adjustment') AND tier IS NOT NULL AND $__timeFilter(ts)
          GROUP BY tier
          ORDER BY tier`,
        ),
      ),
  ],
};
