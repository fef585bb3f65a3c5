import { runCliMain } from '../core/cli-command';
import { serviceCommand } from '../core/cli';
import { startProcessors } from './processors';
import { processorsOptionsFromConfig } from './processors-options';

export const command = serviceCommand('processors', {
  help: {
    summary: 'Stream processors: rolling averages, rollups, leaks and alerts, billing, command log (Kafka -> QuestDB).',
    usage: '',
    description: `
Event time: per meter (and sector), the watermark is the highest reading time seen minus
MF_PROCESSORS_LATENESS_MS, a reading counting at most its receive time plus
MF_PROCESSORS_MAX_CLOCK_SKEW_MS; a meter silent for MF_PROCESSORS_KEY_IDLE_MS follows its
partition's watermark. A window is emitted when the watermark passes its end, once; readings
after that are counted late (late_readings). State is checkpointed per key in QuestDB
(processor_state) with the offset it has applied, before offsets are committed: a kill,
restart, rebalance or replay changes no result. Run several instances to share partitions.
Runs with node --max-semi-space-size=32 (deploy/services.ts); meterflow restarts itself with
that flag when it is missing. GET /health and /metrics on MF_PROCESSORS_HTTP_PORT (default
18083). SIGTERM writes what was handled, checkpoints, commits, then exits.`,
    environment: 'MF_KAFKA_*, MF_QUESTDB_*, MF_PROCESSORS_*, MF_ROLLING_*, MF_ROLLUP_*, MF_BILLING_*, MF_ALERT_*.',
    examples: ['meterflow processors', 'MF_PROCESSORS_HTTP_PORT=18093 meterflow processors'],
  },
  async start(config, logger) {
    const processors = await startProcessors(processorsOptionsFromConfig(config, logger));
    return () => processors.stop();
  },
});

if (require.main === module) runCliMain('processors', command);
