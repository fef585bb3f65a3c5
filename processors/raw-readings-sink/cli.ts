import { runCliMain } from '../../core/cli-command';
import { serviceCommand } from '../../core/cli';
import { createRawReadingsSink } from './raw-readings-sink';
import { sinkOptionsFromConfig } from './sink-options';

export const command = serviceCommand('sink', {
  help: {
    summary: 'Raw-readings sink: Kafka -> QuestDB (readings, edge_stats, dead_letters tables).',
    usage: '',
    description: `
Consumes the readings, edge-stats and dead-letter topics in consumer group MF_SINK_GROUP_ID,
writes rows over ILP/HTTP, and commits offsets only after QuestDB accepted them; the tables'
DEDUP UPSERT KEYS make replays idempotent. Run several instances to share partitions.
GET /health and /metrics on MF_SINK_HTTP_PORT (default 18082). SIGTERM finishes the current
batch, then exits.`,
    environment: 'MF_KAFKA_*, MF_QUESTDB_*, MF_SINK_*.',
    examples: ['meterflow sink', 'MF_SINK_GROUP_ID=meterflow-sink-2 meterflow sink'],
  },
  async start(config, logger) {
    const sink = await createRawReadingsSink(sinkOptionsFromConfig(config, logger));
    return () => sink.stop();
  },
});

if (require.main === module) runCliMain('sink', command);
