import { runService } from '../core/cli';
import { startProcessors } from './processors';
import { processorsOptionsFromConfig } from './processors-options';

runService('processors', {
  usage: `
meterflow stream processors: Kafka readings -> rolling averages, sector and fleet rollups
(QuestDB tables rolling_averages, rollups, late_readings; Kafka topic <prefix>rollups).

Usage: npm run processors      (or: node dist/processors/cli.js)

Event time: per meter (and sector), the watermark is the highest reading time seen minus
MF_PROCESSORS_LATENESS_MS, a reading counting at most its receive time plus
MF_PROCESSORS_MAX_CLOCK_SKEW_MS; a meter silent for MF_PROCESSORS_KEY_IDLE_MS follows its
partition's watermark. A window is emitted when the watermark passes its end, once.
Readings after that are counted late (late_readings). State is checkpointed per key in
QuestDB (processor_state) with the offset it has applied, before offsets are committed:
a kill, restart, rebalance or replay changes no result. Run several instances to share
partitions (group MF_PROCESSORS_GROUP_ID.<processor>).
Configured by environment variables (MF_KAFKA_*, MF_QUESTDB_*, MF_PROCESSORS_*, MF_ROLLING_*,
MF_ROLLUP_*): see docs/configuration.md. GET /health and /metrics on MF_PROCESSORS_HTTP_PORT.
SIGTERM writes what was handled, checkpoints, commits, then exits.
`,
  async start(config, logger) {
    const processors = await startProcessors(processorsOptionsFromConfig(config, logger));
    return () => processors.stop();
  },
});
