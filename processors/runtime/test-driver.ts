import type { Reading } from '../../core/contracts';
import type { KeyedProcessor, OutputRow } from './keyed-processor';
import type { ProcessorEvent } from './processor-event';
import { createPartitionTask, type KeyState, type LateReading, type PartitionTask, type PartitionTaskOptions, type RefusedRow } from './partition-task';

export interface TestDriver {
  /** Feeds readings as the next records of the partition (offsets count up from 0). */
  pipe(...readings: Reading[]): void;
  /** Re-feeds records from `offset` on, as after a crash that lost the uncommitted tail. */
  replayFrom(offset: number): void;
  /** Everything emitted so far, in order, as results and as the rows they are stored as. */
  readonly events: ProcessorEvent[];
  readonly rows: OutputRow[];
  readonly late: LateReading[];
  /** Rows dropped because QuestDB could not store them. */
  readonly refused: RefusedRow[];
  /**
   * Simulates a crash and restart: state is cut back to the last checkpoint (JSON round trip
   * of what `checkpoint()` saved), then the records after `committedOffset` are fed again.
   */
  checkpoint(): void;
  restartFromCheckpoint(committedOffset: number): void;
  readonly task: PartitionTask<unknown>;
}

/**
 * Runs a processor with no broker: records go in, rows come out, time follows the
 * readings' event and receive times exactly as in the runner. For fast unit tests of each processor.
 */
export function createTestDriver<S>(processor: KeyedProcessor<S>, options: Omit<PartitionTaskOptions<S>, 'partition' | 'restored'>): TestDriver {
  const log: Reading[] = [];
  const events: ProcessorEvent[] = [];
  const rows: OutputRow[] = [];
  const late: LateReading[] = [];
  const refused: RefusedRow[] = [];
  let saved = new Map<string, string>();
  let task = createPartitionTask(processor, { ...options, partition: 0 });
  const feed = (from: number) => {
    const out = task.process(log.slice(from).map((reading, i) => ({ offset: from + i, reading })));
    for (const e of out.events) {
      events.push(e.event);
      rows.push(...e.rows);
    }
    late.push(...out.late);
    refused.push(...out.refused);
  };
  return {
    pipe(...readings) {
      const from = log.length;
      log.push(...readings);
      feed(from);
    },
    replayFrom: feed,
    events,
    rows,
    late,
    refused,
    checkpoint() {
      for (const { key, entry } of task.takeDirty()) saved.set(key, JSON.stringify(entry));
    },
    restartFromCheckpoint(committedOffset) {
      saved = new Map(saved);
      const entries = [...saved].map(([key, json]) => ({ key, entry: JSON.parse(json) as KeyState<S> }));
      task = createPartitionTask(processor, { ...options, partition: 0, restored: { entries } });
      feed(committedOffset + 1);
    },
    get task() {
      return task as PartitionTask<unknown>;
    },
  };
}
