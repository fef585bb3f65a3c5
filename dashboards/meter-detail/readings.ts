import { defaultTimeseries, sql, type DashboardRow } from '../common';
import { meter } from './variables';

export const readingsRow: DashboardRow = {
  title: 'Readings',
  panels: [
    defaultTimeseries('Flow ($meter)')
      .description('Instantaneous value of the meter, averaged per interval.')
      .withTarget(
        sql(
          `SELECT ts AS time, avg(value) AS value
          FROM readings
          WHERE meter_id = ${meter} AND $__timeFilter(ts)
          SAMPLE BY $__interval ALIGN TO CALENDAR`,
          'time_series',
        ),
      ),
    defaultTimeseries('Register ($meter)')
      .description('Cumulative register, last value per interval.')
      .withTarget(
        sql(
          `SELECT ts AS time, last(register) AS register
          FROM readings
          WHERE meter_id = ${meter} AND $__timeFilter(ts)
          SAMPLE BY $__interval ALIGN TO CALENDAR`,
          'time_series',
        ),
      ),
    defaultTimeseries('Rolling averages ($meter)')
      .description('Mean flow over the sliding windows (15m, 1h, 24h), at each window end.')
      .span(24)
      .withTarget(
        sql(
          `SELECT ts AS time, window_size, mean
          FROM rolling_averages
          WHERE meter_id = ${meter} AND $__timeFilter(ts)
          ORDER BY time, window_size`,
          'time_series',
        ),
      ),
  ],
};
