import { defineTable } from '../questdb/table-spec';

// Service metrics: samples of the services' own counters and gauges, stored beside the data so
// dashboards need no Prometheus. No topic: each service's metrics sampler writes it.

export const serviceMetricsTable = defineTable({
  name: 'service_metrics',
  description: 'Samples of the services\' own metrics (ingest rate, consumer lag, dead letters, command states), written by each service every MF_METRICS_SAMPLE_INTERVAL_MS, so dashboards need no Prometheus: every series of the service\'s /metrics (process_* and nodejs_* included) but histogram buckets and per-V8-space heap series; per_second is the rate since the previous sample of a counter or a histogram\'s _count and _sum. Key: (ts, service, instance, metric, labels).',
  columns: {
    ts: 'TIMESTAMP',
    service: 'SYMBOL CAPACITY 16 CACHE',
    instance: 'SYMBOL CAPACITY 256 CACHE',
    metric: 'SYMBOL CAPACITY 256 CACHE',
    labels: 'SYMBOL CAPACITY 4096 CACHE',
    type: 'SYMBOL CAPACITY 4 CACHE',
    value: 'DOUBLE',
    per_second: 'DOUBLE',
  },
  timestamp: 'ts',
  partitionBy: 'DAY',
  ttl: '30 DAYS',
  dedupKeys: ['ts', 'service', 'instance', 'metric', 'labels'],
});
