import { defaultTable, defaultTimeseries, sql, type DashboardRow } from '../common';

export const rejectsRow: DashboardRow = {
  title: 'Dead letters and late readings',
  panels: [
    defaultTimeseries('Dead letters by reason')
      .description('Device messages the bridge refused, per interval (`dead_letters`, kept 30 days).')
      .withTarget(
        sql(
          `SELECT ts AS time, reason, count() AS dead_letters
          FROM dead_letters
          WHERE $__timeFilter(ts)
          SAMPLE BY $__interval ALIGN TO CALENDAR
          ORDER BY time, reason`,
          'time_series',
        ),
      ),
    defaultTimeseries('Late readings by processor')
      .description('Readings that arrived after a window or bill they belong to was emitted, by reading time (`late_readings`, kept 30 days).')
      .withTarget(
        sql(
          `SELECT ts AS time, processor, count() AS late_readings
          FROM late_readings
          WHERE $__timeFilter(ts)
          SAMPLE BY $__interval ALIGN TO CALENDAR
          ORDER BY time, processor`,
          'time_series',
        ),
      ),
    defaultTable('Latest dead letters')
      .span(24)
      .withTarget(
        sql(
          `SELECT ts, reason, detail, mqtt_topic, payload_bytes, bridge_id
          FROM dead_letters
          WHERE $__timeFilter(ts)
          ORDER BY ts DESC
          LIMIT 100`,
        ),
      ),
  ],
};
