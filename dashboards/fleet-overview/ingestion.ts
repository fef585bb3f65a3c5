import * as common from '@grafana/grafana-foundation-sdk/common';
import { readingsTable } from '../../core/streams/readings';
import { defaultStat, defaultTimeseries, sql, type DashboardRow } from '../common';

const rd = readingsTable.columns;

export const ingestionRow: DashboardRow = {
  title: 'Ingestion',
  panels: [
    defaultTimeseries('Readings per second')
      .description('Validated readings stored in `readings`, by event time.')
      .span(18)
      .unit('reqps')
      .withTarget(
        sql(
          `SELECT ${rd.ts} AS time, count() / ($__interval_ms / 1000.0) AS readings_per_s
          FROM readings
          WHERE $__timeFilter(${rd.ts})
          SAMPLE BY $__interval ALIGN TO CALENDAR`,
          'time_series',
        ),
      ),
    defaultStat('Active meters (last 1 h)')
      .description('Distinct meters with a reading in the hour before the end of the time range.')
      .graphMode(common.BigValueGraphMode.None)
      .withTarget(
        sql(
          `SELECT count_distinct(${rd.meter_id}) AS active_meters
          FROM readings
          WHERE ${rd.ts} > dateadd('h', -1, $__timeTo()::timestamp) AND ${rd.ts} <= $__timeTo()::timestamp`,
        ),
      ),
  ],
};
