import { defaultTable, defaultTimeseries, sql, type DashboardRow } from '../common';

export const timelineRow: DashboardRow = {
  title: 'Alerts',
  panels: [
    defaultTimeseries('Alerts opened by rule kind')
      .description('`open` transitions per interval (leak detection, rule engine, billing, group comparison).')
      .span(24)
      .withTarget(
        sql(
          `SELECT ts AS time, rule_kind, count() AS opened
          FROM alerts
          WHERE state = 'open' AND $__timeFilter(ts)
          SAMPLE BY $__interval ALIGN TO CALENDAR
          ORDER BY time, rule_kind`,
          'time_series',
        ),
      ),
    defaultTable('Alerts (latest state)')
      .description('Each alert with a transition in the time range, at its latest transition in the range.')
      .span(24)
      .height(10)
      .withTarget(
        sql(
          `SELECT ts, alert_id, meter_id, sector, rule, rule_kind, severity, state, started_at, ended_at, estimated_loss_l
          FROM (SELECT * FROM alerts WHERE $__timeFilter(ts) LATEST ON ts PARTITION BY alert_id)
          ORDER BY ts DESC
          LIMIT 500`,
        ),
      ),
  ],
};
