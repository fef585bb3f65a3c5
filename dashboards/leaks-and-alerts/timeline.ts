import { sqlColumns } from '../../core/questdb/table-spec';
import { alertsTable } from '../../core/streams/alerts';
import { defaultTable, defaultTimeseries, sql, type DashboardRow } from '../common';

const al = alertsTable.columns;

export const timelineRow: DashboardRow = {
  title: 'Alerts',
  panels: [
    defaultTimeseries('Alerts opened by rule kind')
      .description('`open` transitions per interval (leak detection, rule engine, billing, group comparison).')
      .span(24)
      .withTarget(
        sql(
          `SELECT ${al.ts} AS time, ${al.rule_kind}, count() AS opened
          FROM alerts
          WHERE ${al.state} = 'open' AND $__timeFilter(${al.ts})
          SAMPLE BY $__interval ALIGN TO CALENDAR
          ORDER BY time, ${al.rule_kind}`,
          'time_series',
        ),
      ),
    defaultTable('Alerts (latest state)')
      .description('Each alert with a transition in the time range, at its latest transition in the range.')
      .span(24)
      .height(10)
      .withTarget(
        sql(
          `SELECT ${sqlColumns(alertsTable, ['ts', 'alert_id', 'meter_id', 'sector', 'rule', 'rule_kind', 'severity', 'state', 'started_at', 'ended_at', 'estimated_loss_l'])}
          FROM (SELECT * FROM alerts WHERE $__timeFilter(${al.ts}) LATEST ON ${al.ts} PARTITION BY ${al.alert_id})
          ORDER BY ${al.ts} DESC
          LIMIT 500`,
        ),
      ),
  ],
};
