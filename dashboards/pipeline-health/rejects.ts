import { sqlColumns } from '../../core/questdb/table-spec';
import { deadLettersTable } from '../../core/streams/dead-letters';
import { lateReadingsTable } from '../../core/streams/late-readings';
import { defaultTable, defaultTimeseries, sql, type DashboardRow } from '../common';

const dl = deadLettersTable.columns;
const lr = lateReadingsTable.columns;

export const rejectsRow: DashboardRow = {
  title: 'Dead letters and late readings',
  panels: [
    defaultTimeseries('Dead letters by reason')
      .description('Device messages the bridge refused, per interval (`dead_letters`, kept 30 days).')
      .withTarget(
        sql(
          `SELECT ${dl.ts} AS time, ${dl.reason}, count() AS dead_letters
          FROM dead_letters
          WHERE $__timeFilter(${dl.ts})
          SAMPLE BY $__interval ALIGN TO CALENDAR
          ORDER BY time, ${dl.reason}`,
          'time_series',
        ),
      ),
    defaultTimeseries('Late readings by processor')
      .description('Readings that arrived after a window or bill they belong to was emitted, by arrival time (`late_readings`, kept 30 days after arrival; `reading_ts` is the reading\'s own time).')
      .withTarget(
        sql(
          `SELECT ${lr.ts} AS time, ${lr.processor}, count() AS late_readings
          FROM late_readings
          WHERE $__timeFilter(${lr.ts})
          SAMPLE BY $__interval ALIGN TO CALENDAR
          ORDER BY time, ${lr.processor}`,
          'time_series',
        ),
      ),
    defaultTable('Latest dead letters')
      .span(24)
      .withTarget(
        sql(
          `SELECT ${sqlColumns(deadLettersTable, ['ts', 'reason', 'detail', 'mqtt_topic', 'payload_bytes', 'bridge_id'])}
          FROM dead_letters
          WHERE $__timeFilter(${dl.ts})
          ORDER BY ${dl.ts} DESC
          LIMIT 100`,
        ),
      ),
  ],
};
