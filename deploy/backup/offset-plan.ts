import type { TopicOffsets } from '../../core/kafka';
import type { GroupOffsets } from './backup-manifest';

export interface Watermark {
  partition: number;
  low: string;
  high: string;
}

export interface OffsetReset {
  groupId: string;
  topic: string;
  partitions: Array<{ partition: number; offset: string }>;
}

/** A partition the restore cannot put back where the backup left it: records would be skipped. */
export interface OffsetProblem {
  groupId: string;
  topic: string;
  partition: number | null;
  text: string;
}

export interface OffsetPlan {
  resets: OffsetReset[];
  problems: OffsetProblem[];
}

/**
 * Where each group's offsets go on a restore: back to what the backup recorded, so the records
 * after it are read again and rewritten (idempotently) on top of the restored tables. A partition
 * the group had not committed on at backup time goes to its start (the backup holds nothing of
 * it), as do partitions added since. Problems are partitions whose records from the recorded
 * offset on are no longer all in Kafka (retention dropped them, or the topic was deleted or
 * recreated); with `force` those go to the oldest record Kafka still holds.
 *
 * `current`: each group's committed topics now (a topic it started on after the backup is reset too).
 * `watermarks`: each topic's partitions now, null when the topic does not exist.
 */
export function planOffsetReset(
  recorded: readonly GroupOffsets[],
  current: ReadonlyMap<string, readonly TopicOffsets[]>,
  watermarks: ReadonlyMap<string, readonly Watermark[] | null>,
): OffsetPlan {
  const resets: OffsetReset[] = [];
  const problems: OffsetProblem[] = [];
  for (const group of recorded) {
    const topics = new Set([...group.topics.map((t) => t.topic), ...(current.get(group.groupId) ?? []).map((t) => t.topic)]);
    for (const topic of [...topics].sort()) {
      const marks = watermarks.get(topic);
      const backedUp = group.topics.find((t) => t.topic === topic);
      if (!marks) {
        if (backedUp?.partitions.some((p) => BigInt(p.offset) > 0n)) problems.push({ groupId: group.groupId, topic, partition: null, text: 'the topic no longer exists: its records after the backup are gone' });
        continue;
      }
      const partitions: OffsetReset['partitions'] = [];
      for (const mark of [...marks].sort((a, b) => a.partition - b.partition)) {
        const saved = backedUp?.partitions.find((p) => p.partition === mark.partition);
        // "-1": the group had committed nothing there; the backup then holds no output of it.
        const offset = saved && BigInt(saved.offset) >= 0n ? BigInt(saved.offset) : 0n;
        const low = BigInt(mark.low);
        const high = BigInt(mark.high);
        const where = { groupId: group.groupId, topic, partition: mark.partition };
        if (offset > high) {
          problems.push({ ...where, text: `the backup recorded offset ${offset} but the partition ends at ${high}: the topic was recreated or truncated since` });
          partitions.push({ partition: mark.partition, offset: String(low) });
        } else if (offset < low) {
          problems.push({ ...where, text: `records ${offset}..${low - 1n} are gone (retention): ${low - offset} records after the backup cannot be replayed` });
          partitions.push({ partition: mark.partition, offset: String(low) });
        } else {
          partitions.push({ partition: mark.partition, offset: String(offset) });
        }
      }
      resets.push({ groupId: group.groupId, topic, partitions });
    }
  }
  return { resets, problems };
}
