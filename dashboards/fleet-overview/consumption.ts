import { defaultTable, defaultTimeseries, sql, type DashboardRow } from '../common';

export const consumptionRow: DashboardRow = {
  title: 'Consumption',
  panels: [
    defaultTimeseries('Mean flow by sector (hourly rollups)')
      .description('Hourly sector rollups, summed over Kafka partitions (each partition writes a partial row): mean = sum(sum) / sum(count).')
      .withTarget(
        sql(
          `SELECT ts AS time, scope_id AS sector, sum(sum) / sum(count) AS mean_flow
          FROM rollups
          WHERE scope = 'sector' AND bucket = '1h' AND $__timeFilter(ts)
          GROUP BY ts, scope_id
          ORDER BY time, sector`,
          'time_series',
        ),
      ),
    defaultTable('Top consumers (latest 24 h window)')
      .description('Meters with the highest mean flow over their latest 24 h sliding window in the time range (`rolling_averages`).')
      .withTarget(
        sql(
          `SELECT meter_id, sector, mean AS mean_flow_24h, max AS max_flow_24h, count AS readings, ts AS window_end
          FROM rolling_averages
          WHERE window_size = '24h' AND $__timeFilter(ts)
          LATEST ON ts PARTITION BY meter_id
          ORDER BY mean_flow_24h DESC
          LIMIT 10`,
        ),
      ),
  ],
};
