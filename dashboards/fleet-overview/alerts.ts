import { alertsTable } from '../../core/streams/alerts';
import { defaultBarchart, sql, type DashboardRow } from '../common';

const al = alertsTable.columns;

export const alertsRow: DashboardRow = {
  title: 'Alerts',
  panels: [
    defaultBarchart('Open alerts by rule kind', 'rule_kind')
      .description('Alerts whose latest transition is `open`, whatever the time range.')
      .withTarget(
        sql(
          `SELECT ${al.rule_kind}, count() AS open_alerts
          FROM (SELECT * FROM alerts LATEST ON ${al.ts} PARTITION BY ${al.alert_id})
          WHERE ${al.state} = 'open'
          GROUP BY ${al.rule_kind}
          ORDER BY open_alerts DESC`,
        ),
      ),
  ],
};
