import { edgeStatisticsTable } from '../../core/streams/edge-statistics';
import { defaultTimeseries, sql, type DashboardRow } from '../common';
import { meter } from './variables';

const es = edgeStatisticsTable.columns;

/**
 * The summaries an edge node sends instead of readings (docs/edge-statistics.md): per interval
 * the lowest min and highest max as a band (filled between them), and the mean weighted by the
 * samples each summary covers. The max is what the threshold alerts judge.
 */
export const edgeStatisticsRow: DashboardRow = {
  title: 'Edge statistics',
  panels: [
    defaultTimeseries('Edge statistics: min/max band and mean ($meter)')
      .description('Interval summaries sent by the edge node (MQTT meters/<id>/stats): min–max band and mean; a threshold alert fires on the max.')
      .span(24)
      .overrideByName('max', [{ id: 'custom.fillBelowTo', value: 'min' }, { id: 'custom.lineWidth', value: 0 }])
      .overrideByName('min', [{ id: 'custom.lineWidth', value: 0 }, { id: 'custom.fillOpacity', value: 0 }])
      .overrideByName('mean', [{ id: 'custom.lineWidth', value: 2 }, { id: 'custom.fillOpacity', value: 0 }])
      .withTarget(
        sql(
          `SELECT ${es.ts} AS time, min(${es.min}) AS min, max(${es.max}) AS max, sum(${es.mean} * ${es.count}) / sum(${es.count}) AS mean
          FROM edge_stats
          WHERE ${es.meter_id} = ${meter} AND $__timeFilter(${es.ts})
          SAMPLE BY $__interval ALIGN TO CALENDAR`,
          'time_series',
        ),
      ),
  ],
};
