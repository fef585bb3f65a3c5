import { defaultTimeseries, sql, type DashboardRow } from '../common';

// Written by every service every MF_METRICS_SAMPLE_INTERVAL_MS (core/metrics-sampler.ts):
// per_second is a counter's rate since the service's previous sample.
export const throughputRow: DashboardRow = {
  title: 'Throughput, lag and commands',
  panels: [
    defaultTimeseries('Ingest rate (readings/s)')
      .description('Readings the bridges put on Kafka and the raw sink wrote to QuestDB, per second, per instance (`service_metrics`).')
      .withTarget(
        sql(
          `SELECT ts AS time, concat(service, ' ', instance) AS instance, avg(per_second) AS readings_per_second
          FROM service_metrics
          WHERE $__timeFilter(ts)
            AND ((metric = 'meterflow_bridge_records_produced_total' AND labels = '{topic="readings"}')
              OR (metric = 'meterflow_sink_rows_written_total' AND labels = '{table="readings"}'))
          SAMPLE BY $__interval ALIGN TO CALENDAR
          ORDER BY time`,
          'time_series',
        ),
      ),
    defaultTimeseries('Kafka consumer lag (records)')
      .description('Records on Kafka not yet consumed, per consumer group and topic, as each service last measured it (`service_metrics`).')
      .withTarget(
        sql(
          `SELECT ts AS time, concat(instance, ' ', labels) AS consumer, max(value) AS lag
          FROM service_metrics
          WHERE $__timeFilter(ts) AND metric LIKE '%kafka_consumer_lag'
          SAMPLE BY $__interval ALIGN TO CALENDAR
          ORDER BY time`,
          'time_series',
        ),
      ),
    defaultTimeseries('Command states')
      .description('Command state changes per interval: delivered (bridge), applied / rejected (device), expired (`command_events`).')
      .withTarget(
        sql(
          `SELECT ts AS time, state, count() AS commands
          FROM command_events
          WHERE $__timeFilter(ts)
          SAMPLE BY $__interval ALIGN TO CALENDAR
          ORDER BY time, state`,
          'time_series',
        ),
      ),
  ],
};
