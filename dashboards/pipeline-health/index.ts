import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { meterflowDashboard, withRows } from '../common';
import { rejectsRow } from './rejects';
import { throughputRow } from './throughput';

export const pipelineHealthUid = 'meterflow-pipeline-health';

export function pipelineHealth(): dashboard.Dashboard {
  const builder = meterflowDashboard(
    pipelineHealthUid,
    'Pipeline health',
    'The pipeline as QuestDB sees it: ingest rates and Kafka consumer lag sampled by the services themselves (service_metrics), command states, refused messages and late readings. The same metrics are on each service\'s /metrics endpoint for Prometheus.',
  );
  return withRows(builder, [throughputRow, rejectsRow]).build();
}
