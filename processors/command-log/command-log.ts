import type { KafkaTopics } from '../../core/contracts';
import { questdbTables } from '../../core/contracts';
import { isMeterflowError } from '../../core/errors';
import { createKafkaClient, type RawConsumer } from '../../core/kafka';
import type { Logger } from '../../core/logger';
import type { Metrics } from '../../core/metrics';
import { createIlpWriter } from '../../core/questdb/ilp-writer';
import { createQuestdbPool, ensureTables, type QuestdbPgOptions } from '../../core/questdb/questdb-sql';
import type { TableRow } from '../../core/questdb/table-row';
import { writeTableRow } from '../../core/questdb/write-table-row';
import { commandEventToRow, decodeCommandEvent } from '../../core/streams/command-events';
import { commandToRow, decodeCommand } from '../../core/streams/commands';

export interface CommandLogOptions {
  kafka: { brokers: string[]; topics: KafkaTopics };
  questdb: { httpUrl: string; pg: QuestdbPgOptions };
  /** MF_COMMAND_LOG_GROUP_ID: one group for the fleet of processors (instances split the partitions). */
  groupId: string;
  metrics: Metrics;
  logger: Logger;
  /** @default 200 */
  flushIntervalMs?: number;
}

export interface CommandLog {
  stop(): Promise<void>;
}

/**
 * Commands topic → `commands`, command-acks topic → `command_events`. Rows go into one ILP
 * buffer; offsets are committed only after QuestDB accepted the flush (at least once), and
 * both tables' DEDUP keys turn a replay into the same rows. A record that is not a command
 * (or event) is skipped with a warning and counted: it must never stall the log.
 */
export async function startCommandLog(options: CommandLogOptions): Promise<CommandLog> {
  const log = options.logger;
  const { topics } = options.kafka;
  const written = options.metrics.counter('command_log_rows_total', 'Rows the command log wrote to QuestDB, by table');
  const skipped = options.metrics.counter('command_log_invalid_total', 'Records on the commands / command-acks topics that are not of their shape (skipped), by topic');

  const pool = createQuestdbPool({ ...options.questdb.pg, max: 1 });
  try {
    await ensureTables(pool, [questdbTables.commands, questdbTables.commandEvents]);
  } finally {
    await pool.end();
  }
  const kafka = createKafkaClient({ brokers: options.kafka.brokers, clientId: 'meterflow-command-log', logger: log.child('kafka') });
  await kafka.ensureTopics([topics.commands, topics.commandAcks]);
  const refusedRows = options.metrics.counter('command_log_rows_refused_total', 'Rows isolated from their flush and dead-lettered (a value the column cannot hold, or refused by QuestDB), by table and code');
  const writer = await createIlpWriter(options.questdb.httpUrl, {
    service: 'command-log',
    logger: log.child('ilp'),
    onRefused: (row) => refusedRows.inc({ table: row.table, code: row.code }),
  });
  const buffered = { commands: 0, command_events: 0 };

  const consumer: RawConsumer = await kafka.createConsumer({
    groupId: options.groupId,
    topics: [topics.commands.name, topics.commandAcks.name],
    fromBeginning: true,
    flushRecords: 1000,
    flushIntervalMs: options.flushIntervalMs ?? 200,
    async handle(batch) {
      const isCommands = batch.topic === topics.commands.name;
      for (const record of batch.records) {
        let row: TableRow;
        try {
          row = isCommands ? commandToRow(decodeCommand(record.value), batch.partition, record.offset) : commandEventToRow(decodeCommandEvent(record.value));
        } catch (error) {
          // A malformed record must be skipped, not written or retried forever.
          if (!isMeterflowError(error, 'STREAM_RECORD_INVALID')) throw error;
          skipped.inc({ topic: batch.topic });
          log.warn('record skipped: not of its topic\'s shape', { topic: batch.topic, partition: batch.partition, offset: record.offset, error });
          continue;
        }
        await writeTableRow(writer, row);
        buffered[isCommands ? 'commands' : 'command_events'] += 1;
      }
    },
    async flush() {
      try {
        await writer.flush();
      } catch (error) {
        // The consumer rewinds to the last commit: drop what this flush carried.
        writer.discard();
        buffered.commands = 0;
        buffered.command_events = 0;
        log.warn('command log flush failed; re-reading', { error });
        throw error;
      }
      written.inc({ table: 'commands' }, buffered.commands);
      written.inc({ table: 'command_events' }, buffered.command_events);
      buffered.commands = 0;
      buffered.command_events = 0;
    },
  });
  log.info('command log started', { groupId: options.groupId });

  return {
    async stop() {
      await consumer.disconnect();
      await writer.close();
    },
  };
}
