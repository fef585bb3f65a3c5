import { readingsTable } from '../../core/streams/readings';
import { rollingAveragesTable } from '../../core/streams/window-results';
import { defaultTimeseries, sql, type DashboardRow } from '../common';
import { meter } from './variables';

const rd = readingsTable.columns;
const ra = rollingAveragesTable.columns;

export const readingsRow: DashboardRow = {
  title: 'Readings',
  panels: [
    defaultTimeseries('Flow ($meter)')
      .description('Instantaneous value of the meter, averaged per interval.')
      .withTarget(
        sql(
          `SELECT ${rd.ts} AS time, avg(${rd.value}) AS value
          FROM readings
          WHERE ${rd.meter_id} = ${meter} AND $__timeFilter(${rd.ts})
          SAMPLE BY $__interval ALIGN TO CALENDAR`,
          'time_series',
        ),
      ),
    defaultTimeseries('Register ($meter)')
      .description('Cumulative register, last value per interval.')
      .withTarget(
        sql(
          `SELECT ${rd.ts} AS time, last(${rd.register}) AS register
          FROM readings
          WHERE ${rd.meter_id} = ${meter} AND $__timeFilter(${rd.ts})
          SAMPLE BY $__interval ALIGN TO CALENDAR`,
          'time_series',
        ),
      ),
    defaultTimeseries('Rolling averages ($meter)')
      .description('Mean flow over the sliding windows (15m, 1h, 24h), at each window end.')
      .span(24)
      .withTarget(
        sql(
          `SELECT ${ra.ts} AS time, ${ra.window_size}, ${ra.mean}
          FROM rolling_averages
          WHERE ${ra.meter_id} = ${meter} AND $__timeFilter(${ra.ts})
          ORDER BY time, ${ra.window_size}`,
          'time_series',
        ),
      ),
  ],
};
