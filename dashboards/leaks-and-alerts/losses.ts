import { defaultBarchart, sql, type DashboardRow } from '../common';

export const lossesRow: DashboardRow = {
  title: 'Estimated losses',
  panels: [
    defaultBarchart('Estimated loss by sector', 'sector')
      .description('Sum of `estimated_loss_l` of the alerts (latest transition in the time range) that estimate one, per sector.')
      .span(24)
      .unit('litre')
      .withTarget(
        sql(
          `SELECT coalesce(sector::string, '(no sector)') AS sector, sum(estimated_loss_l) AS estimated_loss_l
          FROM (SELECT * FROM alerts WHERE $__timeFilter(ts) LATEST ON ts PARTITION BY alert_id)
          WHERE estimated_loss_l IS NOT NULL
          GROUP BY sector
          ORDER BY estimated_loss_l DESC`,
        ),
      ),
  ],
};
