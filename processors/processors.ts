import { startHealthServer, type HealthServer } from '../core/http/health-server';
import { createMetrics, type Metrics } from '../core/metrics';
import type { ProcessorsOptions } from './processors-options';
import { createRollingAverages } from './rolling-averages/rolling-averages';
import { startProcessorRunner, type ProcessorRunner } from './runtime/processor-runner';

export interface Processors {
  metrics: Metrics;
  httpPort: number | null;
  runners: Record<string, ProcessorRunner>;
  stop(): Promise<void>;
}

/** Starts every stream processor in this process, each in its own consumer group. */
export async function startProcessors(options: ProcessorsOptions): Promise<Processors> {
  const metrics = createMetrics('meterflow_processors');
  const log = options.logger;
  const rolling = createRollingAverages(options.rolling);
  const runners: Record<string, ProcessorRunner> = {
    [rolling.name]: await startProcessorRunner({
      processor: rolling,
      groupId: `${options.groupIdPrefix}.${rolling.name}`,
      kafka: options.kafka,
      outputTopic: options.kafka.topics.rollups,
      questdb: options.questdb,
      allowedLatenessMs: options.allowedLatenessMs,
      flushRecords: options.flushRecords,
      flushIntervalMs: options.flushIntervalMs,
      checkpointIntervalMs: options.checkpointIntervalMs,
      metrics,
      logger: log.child(rolling.name),
    }),
  };
  let stopping = false;
  const health: HealthServer | null =
    options.httpPort === null ? null : await startHealthServer(options.httpPort, () => ({ healthy: !stopping, detail: { processors: Object.keys(runners), stopping } }), metrics);
  return {
    metrics,
    httpPort: health?.port ?? null,
    runners,
    async stop() {
      stopping = true;
      for (const runner of Object.values(runners)) await runner.stop();
      await health?.close();
    },
  };
}
