import { recordOffsetOf } from '../../core/streams/readings';
import { encodeAlert } from '../../core/streams/alerts';
import { encodeWindowResult, encodeWindowResultBatch, windowResultsPerRecord } from '../../core/streams/window-results';
import { questdbTables } from '../../core/contracts';
import type { OutgoingRecord } from '../../core/kafka';
import type { IlpWriter } from '../../core/questdb/ilp-writer';
import { writeTableRow } from '../../core/questdb/write-table-row';
import type { ReadingsTopology } from '../topology';
import type { EmittedEvent, LateReading } from './partition-task';
import { eventKey } from './processor-event';

/** What the processors of a topology produced since the last flush, each result with its processor's name and input partition. */
export interface FlushOutputs {
  events: { processor: string; partition: number; emitted: EmittedEvent }[];
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

/**
 * The records the results are published as, with their streams' codecs (none for a stream
 * without a topic). An alert is a record of its own, keyed by meter. Window results go as
 * records of up to windowResultsPerRecord results each, one run per input partition, in
 * emission order, written to the same partition number of the rollups topic (modulo its
 * partitions): a meter's readings all come from one input partition, so its windows stay in
 * order in one output partition, and a sector's partial rollups are per input partition anyway
 * (docs/contracts.md §8). Keyed by the run's first result's key.
 */
export function outputRecords(routes: ReadingsTopology['routes'], events: FlushOutputs['events']): OutgoingRecord[] {
  const records: OutgoingRecord[] = [];
  const windowTopic = routes['window-results'].topic;
  const runs = new Map<number, { key: string; encoded: string[] }>();
  const close = (partition: number, run: { key: string; encoded: string[] }) => {
    records.push({ topic: windowTopic!.name, key: run.key, partition: partition % windowTopic!.partitions, value: encodeWindowResultBatch(run.encoded) });
  };
  for (const { partition, emitted } of events) {
    const event = emitted.event;
    if (event.stream === 'alerts') {
      const topic = routes.alerts.topic;
      if (topic) records.push({ topic: topic.name, key: eventKey(event), value: encodeAlert(event.alert) });
    } else if (event.stream === 'window-results' && windowTopic) {
      let run = runs.get(partition);
      if (!run) runs.set(partition, (run = { key: eventKey(event), encoded: [] }));
      run.encoded.push(encodeWindowResult(event.result));
      if (run.encoded.length === windowResultsPerRecord) {
        close(partition, run);
        runs.delete(partition);
      }
    }
  }
  for (const [partition, run] of runs) close(partition, run);
  return records;
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
