import { alertsTable } from '../../core/streams/alerts';
import { defaultBarchart, sql, type DashboardRow } from '../common';

const al = alertsTable.columns;

export const lossesRow: DashboardRow = {
  title: 'Estimated losses',
  panels: [
    defaultBarchart('Estimated loss by sector', 'sector')
      .description('Sum of `estimated_loss_l` of the alerts (latest transition in the time range) that estimate one, per sector.')
      .span(24)
      .unit('litre')
      .withTarget(
        sql(
          `SELECT coalesce(${al.sector}::string, '(no sector)') AS sector, sum(${al.estimated_loss_l}) AS estimated_loss_l
          FROM (SELECT * FROM alerts WHERE $__timeFilter(${al.ts}) LATEST ON ${al.ts} PARTITION BY ${al.alert_id})
          WHERE ${al.estimated_loss_l} IS NOT NULL
          GROUP BY ${al.sector}
          ORDER BY ${al.estimated_loss_l} DESC`,
        ),
      ),
  ],
};
