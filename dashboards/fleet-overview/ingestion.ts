import * as common from '@grafana/grafana-foundation-sdk/common';
import { defaultStat, defaultTimeseries, sql, type DashboardRow } from '../common';

export const ingestionRow: DashboardRow = {
  title: 'Ingestion',
  panels: [
    defaultTimeseries('Readings per second')
      .description('Validated readings stored in `readings`, by event time.')
      .span(18)
      .unit('reqps')
      .withTarget(
        sql(
          `SELECT ts AS time, count() / ($__interval_ms / 1000.0) AS readings_per_s
          FROM readings
          WHERE $__timeFilter(ts)
          SAMPLE BY $__interval ALIGN TO CALENDAR`,
          'time_series',
        ),
      ),
    defaultStat('Active meters (last 1 h)')
      .description('Distinct meters with a reading in the hour before the end of the time range.')
      .graphMode(common.BigValueGraphMode.None)
      .withTarget(
        sql(
          `SELECT count_distinct(meter_id) AS active_meters
          FROM readings
          WHERE ts > dateadd('h', -1, $__timeTo()::timestamp) AND ts <= $__timeTo()::timestamp`,
        ),
      ),
  ],
};
