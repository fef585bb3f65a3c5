import { recordOffsetOf } from '../../core/streams/readings';
import { encodeAlert } from '../../core/streams/alerts';
import { encodeWindowResult } from '../../core/streams/window-results';
import { questdbTables } from '../../core/contracts';
import type { OutgoingRecord } from '../../core/kafka';
import type { IlpWriter } from '../../core/questdb/ilp-writer';
import { writeTableRow } from '../../core/questdb/write-table-row';
import type { ReadingsTopology } from '../topology';
import type { EmittedEvent, LateReading } from './partition-task';
import { eventKey, type ProcessorEvent } from './processor-event';

/** What the processors of a topology produced since the last flush, each result with its processor's name. */
export interface FlushOutputs {
  events: { processor: string; emitted: EmittedEvent }[];
  late: { processor: string; partition: number; late: LateReading }[];
}

/** Appends every result's rows and every late reading to the ILP buffer (the flush's QuestDB step). */
export async function writeOutputRows(writer: IlpWriter, outputs: FlushOutputs): Promise<void> {
  for (const { emitted } of outputs.events) for (const row of emitted.rows) await writeTableRow(writer, row);
  for (const { processor, partition, late } of outputs.late) {
    // Keyed by arrival (late-readings.ts): evidence is kept 30 days from when it came.
    await writer.row(questdbTables.lateReadings.name, late.reading.receivedAt, (w) =>
      w
        .symbol('meter_id', late.reading.meterId)
        .symbol('processor', processor)
        .stringColumn('detail', late.detail)
        .timestampColumn('reading_ts', late.reading.ts, 'ms')
        .timestampColumn('watermark', Math.max(0, late.watermark), 'ms')
        .intColumn('kafka_partition', partition)
        .intColumn('kafka_offset', late.offset < 0 ? late.offset : recordOffsetOf(late.offset)),
    );
  }
}

/** The record a result is published as, with its stream's codec; null when its stream has no topic. */
export function outputRecord(routes: ReadingsTopology['routes'], event: ProcessorEvent): OutgoingRecord | null {
  if (event.stream === 'alerts') {
    const topic = routes.alerts.topic;
    return topic ? { topic: topic.name, key: eventKey(event), value: encodeAlert(event.alert) } : null;
  }
  if (event.stream === 'window-results') {
    const topic = routes['window-results'].topic;
    return topic ? { topic: topic.name, key: eventKey(event), value: encodeWindowResult(event.result) } : null;
  }
  return null;
}

/**
 * Rows written per processor and table, and late readings per processor: counted per flush, so
 * the metrics (a label key built per call) cost one update per series, not one per row.
 */
export function countOutputs(outputs: FlushOutputs): { rows: { processor: string; table: string; n: number }[]; late: { processor: string; n: number }[] } {
  const rows = new Map<string, { processor: string; table: string; n: number }>();
  for (const { processor, emitted } of outputs.events) {
    for (const row of emitted.rows) {
      const key = `${processor}\n${row.table}`;
      const entry = rows.get(key);
      if (entry) entry.n += 1;
      else rows.set(key, { processor, table: row.table, n: 1 });
    }
  }
  const late = new Map<string, number>();
  for (const { processor } of outputs.late) late.set(processor, (late.get(processor) ?? 0) + 1);
  return { rows: [...rows.values()], late: [...late].map(([processor, n]) => ({ processor, n })) };
}
