import { commandEventsTable } from '../../core/streams/command-events';
import { serviceMetricsTable } from '../../core/streams/service-metrics';
import { defaultTimeseries, sql, type DashboardRow } from '../common';

const sm = serviceMetricsTable.columns;
const ce = commandEventsTable.columns;

// Written by every service every MF_METRICS_SAMPLE_INTERVAL_MS (core/metrics-sampler.ts):
// per_second is a counter's rate since the service's previous sample.
export const throughputRow: DashboardRow = {
  title: 'Throughput, lag and commands',
  panels: [
    defaultTimeseries('Ingest rate (readings/s)')
      .description('Readings the bridges put on Kafka and the raw sink wrote to QuestDB, per second, per instance (`service_metrics`).')
      .withTarget(
        sql(
          `SELECT ${sm.ts} AS time, concat(${sm.service}, ' ', ${sm.instance}) AS instance, avg(${sm.per_second}) AS readings_per_second
          FROM service_metrics
          WHERE $__timeFilter(${sm.ts})
            AND ((${sm.metric} = 'meterflow_bridge_records_produced_total' AND ${sm.labels} = '{topic="readings"}')
              OR (${sm.metric} = 'meterflow_sink_rows_written_total' AND ${sm.labels} = '{table="readings"}'))
          SAMPLE BY $__interval ALIGN TO CALENDAR
          ORDER BY time`,
          'time_series',
        ),
      ),
    defaultTimeseries('Kafka consumer lag (records)')
      .description('Records on Kafka not yet consumed, per consumer group and topic, as each service last measured it (`service_metrics`).')
      .withTarget(
        sql(
          `SELECT ${sm.ts} AS time, concat(${sm.instance}, ' ', ${sm.labels}) AS consumer, max(${sm.value}) AS lag
          FROM service_metrics
          WHERE $__timeFilter(${sm.ts}) AND ${sm.metric} LIKE '%kafka_consumer_lag'
          SAMPLE BY $__interval ALIGN TO CALENDAR
          ORDER BY time`,
          'time_series',
        ),
      ),
    defaultTimeseries('Command states')
      .description('Command state changes per interval: delivered (bridge), applied / rejected (device), expired (`command_events`).')
      .withTarget(
        sql(
          `SELECT ${ce.ts} AS time, ${ce.state}, count() AS commands
          FROM command_events
          WHERE $__timeFilter(${ce.ts})
          SAMPLE BY $__interval ALIGN TO CALENDAR
          ORDER BY time, ${ce.state}`,
          'time_series',
        ),
      ),
  ],
};
