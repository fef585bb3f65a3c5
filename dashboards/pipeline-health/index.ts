import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { meterflowDashboard, withRows } from '../common';
import { rejectsRow } from './rejects';

export const pipelineHealthUid = 'meterflow-pipeline-health';

export function pipelineHealth(): dashboard.Dashboard {
  const builder = meterflowDashboard(
    pipelineHealthUid,
    'Pipeline health',
    'What QuestDB knows about the pipeline: refused messages and late readings. Service metrics (rates, errors, flush times) are Prometheus metrics on each service\'s /metrics endpoint, not in QuestDB; Kafka consumer lag is not in QuestDB yet.',
  );
  return withRows(builder, [rejectsRow]).build();
}
