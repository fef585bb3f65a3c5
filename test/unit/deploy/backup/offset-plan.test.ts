import type { TopicOffsets } from '../../../../core/kafka';
import type { GroupOffsets } from '../../../../deploy/backup/backup-manifest';
import { planOffsetReset, type Watermark } from '../../../../deploy/backup/offset-plan';

const marks = (...parts: Array<[number, number]>): Watermark[] => parts.map(([low, high], partition) => ({ partition, low: String(low), high: String(high) }));

describe('planOffsetReset', () => {
  it('moves each partition back to the recorded offset, and to the start where the group had committed nothing', () => {
    const recorded: GroupOffsets[] = [{ groupId: 'sink', topics: [{ topic: 'r', partitions: [{ partition: 0, offset: '120' }, { partition: 1, offset: '-1' }] }] }];
    // Partition 2 was added after the backup; the group has committed further on all three since.
    const current = new Map<string, TopicOffsets[]>([['sink', [{ topic: 'r', partitions: [{ partition: 0, offset: '500' }, { partition: 1, offset: '40' }, { partition: 2, offset: '9' }] }]]]);
    const plan = planOffsetReset(recorded, current, new Map([['r', marks([0, 600], [0, 45], [0, 9])]]));
    expect(plan.problems).toEqual([]);
    expect(plan.resets).toEqual([{ groupId: 'sink', topic: 'r', partitions: [{ partition: 0, offset: '120' }, { partition: 1, offset: '0' }, { partition: 2, offset: '0' }] }]);
  });

  it('resets a topic the group started on after the backup to its start', () => {
    const recorded: GroupOffsets[] = [{ groupId: 'log', topics: [] }];
    const current = new Map<string, TopicOffsets[]>([['log', [{ topic: 'cmd', partitions: [{ partition: 0, offset: '7' }] }]]]);
    const plan = planOffsetReset(recorded, current, new Map([['cmd', marks([0, 7])]]));
    expect(plan.resets).toEqual([{ groupId: 'log', topic: 'cmd', partitions: [{ partition: 0, offset: '0' }] }]);
  });

  it('reports records retention dropped after the recorded offset, and falls back to the oldest one left', () => {
    const recorded: GroupOffsets[] = [{ groupId: 'sink', topics: [{ topic: 'r', partitions: [{ partition: 0, offset: '100' }, { partition: 1, offset: '300' }] }] }];
    // Partition 0 now starts at 250: records 100..249 (150 of them) are gone. Partition 1 still holds 300.
    const plan = planOffsetReset(recorded, new Map(), new Map([['r', marks([250, 900], [200, 900])]]));
    expect(plan.problems).toEqual([{ groupId: 'sink', topic: 'r', partition: 0, text: 'records 100..249 are gone (retention): 150 records after the backup cannot be replayed' }]);
    expect(plan.resets[0]!.partitions).toEqual([{ partition: 0, offset: '250' }, { partition: 1, offset: '300' }]);
  });

  it('reports a topic deleted or recreated since the backup', () => {
    const recorded: GroupOffsets[] = [
      { groupId: 'a', topics: [{ topic: 'gone', partitions: [{ partition: 0, offset: '5' }] }] },
      { groupId: 'b', topics: [{ topic: 'new', partitions: [{ partition: 0, offset: '80' }] }] },
    ];
    const plan = planOffsetReset(recorded, new Map(), new Map([['gone', null], ['new', marks([0, 12])]]));
    expect(plan.problems.map((p) => [p.groupId, p.topic, p.partition])).toEqual([['a', 'gone', null], ['b', 'new', 0]]);
    expect(plan.problems[1]!.text).toMatch(/recorded offset 80 but the partition ends at 12/);
    expect(plan.resets).toEqual([{ groupId: 'b', topic: 'new', partitions: [{ partition: 0, offset: '0' }] }]);
  });
});
