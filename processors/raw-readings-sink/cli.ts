import { runService } from '../../core/cli';
import { createRawReadingsSink } from './raw-readings-sink';
import { sinkOptionsFromConfig } from './sink-options';

runService('sink', {
  usage: `
meterflow raw-readings sink: Kafka -> QuestDB (readings, edge_stats, dead_letters tables).

Usage: npm run sink            (or: node dist/processors/raw-readings-sink/cli.js)

Consumes the readings, edge-stats and dead-letter topics in consumer group MF_SINK_GROUP_ID,
writes rows over ILP/HTTP, and commits offsets only after QuestDB accepted them; the tables'
DEDUP UPSERT KEYS make replays idempotent. Run several instances to share partitions.
Configured by environment variables (MF_KAFKA_*, MF_QUESTDB_*, MF_SINK_*): see docs/configuration.md.
GET /health and /metrics on MF_SINK_HTTP_PORT. SIGTERM finishes the current batch, then exits.
`,
  async start(config, logger) {
    const sink = await createRawReadingsSink(sinkOptionsFromConfig(config, logger));
    return () => sink.stop();
  },
});
