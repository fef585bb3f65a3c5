import { rollingAveragesTable, rollupsTable } from '../../core/streams/window-results';
import { defaultTable, defaultTimeseries, sql, type DashboardRow } from '../common';

const ru = rollupsTable.columns;
const ra = rollingAveragesTable.columns;

export const consumptionRow: DashboardRow = {
  title: 'Consumption',
  panels: [
    defaultTimeseries('Mean flow by sector (hourly rollups)')
      .description('Hourly sector rollups, summed over Kafka partitions (each partition writes a partial row): mean = sum(sum) / sum(count).')
      .withTarget(
        sql(
          `SELECT ${ru.ts} AS time, ${ru.scope_id} AS sector, sum(${ru.sum}) / sum(${ru.count}) AS mean_flow
          FROM rollups
          WHERE ${ru.scope} = 'sector' AND ${ru.bucket} = '1h' AND $__timeFilter(${ru.ts})
          GROUP BY ${ru.ts}, ${ru.scope_id}
          ORDER BY time, sector`,
          'time_series',
        ),
      ),
    defaultTable('Top consumers (latest 24 h window)')
      .description('Meters with the highest mean flow over their latest 24 h sliding window in the time range (`rolling_averages`).')
      .withTarget(
        sql(
          `SELECT ${ra.meter_id}, ${ra.sector}, ${ra.mean} AS mean_flow_24h, ${ra.max} AS max_flow_24h, ${ra.count} AS readings, ${ra.ts} AS window_end
          FROM rolling_averages
          WHERE ${ra.window_size} = '24h' AND $__timeFilter(${ra.ts})
          LATEST ON ${ra.ts} PARTITION BY ${ra.meter_id}
          ORDER BY mean_flow_24h DESC
          LIMIT 10`,
        ),
      ),
  ],
};
