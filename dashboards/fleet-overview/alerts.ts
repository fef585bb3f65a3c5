import { defaultBarchart, sql, type DashboardRow } from '../common';

export const alertsRow: DashboardRow = {
  title: 'Alerts',
  panels: [
    defaultBarchart('Open alerts by rule kind', 'rule_kind')
      .description('Alerts whose latest transition is `open`, whatever the time range.')
      .withTarget(
        sql(
          `SELECT rule_kind, count() AS open_alerts
          FROM (SELECT * FROM alerts LATEST ON ts PARTITION BY alert_id)
          WHERE state = 'open'
          GROUP BY rule_kind
          ORDER BY open_alerts DESC`,
        ),
      ),
  ],
};
