import { questdbTables, type DeadLetter, type EdgeStats, type Reading } from '../../core/contracts';
import type { IlpWriter, RowOrigin } from '../../core/questdb/ilp-writer';

/** Kafka record → QuestDB row, one function per table. Columns follow core/contracts/questdb-tables.ts. */

export function writeReadingRow(writer: IlpWriter, r: Reading, origin?: RowOrigin): Promise<void> {
  return writer.row(questdbTables.readings.name, r.ts, (row) => {
    row.symbol('meter_id', r.meterId).symbol('kind', r.kind);
    if (r.sector !== null) row.symbol('sector', r.sector);
    if (r.valueUnit) row.symbol('value_unit', r.valueUnit);
    if (r.registerUnit) row.symbol('register_unit', r.registerUnit);
    if (r.source) row.symbol('source', r.source);
    if (r.value !== null) row.floatColumn('value', r.value);
    if (r.register !== null) row.floatColumn('register', r.register);
    if (r.seq !== null) row.intColumn('seq', r.seq);
    row.timestampColumn('received_at', r.receivedAt, 'ms');
  }, origin);
}

export function writeEdgeStatsRow(writer: IlpWriter, s: EdgeStats, origin?: RowOrigin): Promise<void> {
  return writer.row(questdbTables.edgeStats.name, s.from, (row) => {
    row.symbol('meter_id', s.meterId).symbol('kind', s.kind);
    if (s.sector !== null) row.symbol('sector', s.sector);
    if (s.unit) row.symbol('unit', s.unit);
    row
      .timestampColumn('interval_end', s.to, 'ms')
      .intColumn('count', s.count)
      .floatColumn('min', s.min)
      .floatColumn('max', s.max)
      .floatColumn('mean', s.mean)
      .timestampColumn('received_at', s.receivedAt, 'ms');
  }, origin);
}

export function writeDeadLetterRow(writer: IlpWriter, d: DeadLetter, partition: number, offset: string, origin?: RowOrigin): Promise<void> {
  return writer.row(questdbTables.deadLetters.name, d.receivedAt, (row) => {
    row.symbol('reason', d.reason).symbol('bridge_id', d.bridgeId);
    row
      .stringColumn('detail', d.detail)
      .stringColumn('mqtt_topic', d.mqttTopic)
      .stringColumn('payload_base64', d.payloadBase64)
      .intColumn('payload_bytes', d.payloadBytes)
      .booleanColumn('payload_truncated', d.payloadTruncated === true)
      .intColumn('kafka_partition', partition)
      .intColumn('kafka_offset', Number(offset));
    if (d.index !== undefined) row.intColumn('item_index', d.index);
  }, origin);
}
