import { decodeAlert, type AlertEvent } from '../../../../core/streams/alerts';
import { decodeWindowResults, type RollingAverage, type WindowResult } from '../../../../core/streams/window-results';
import type { OutgoingRecord } from '../../../../core/kafka';
import { outputRecords, type FlushOutputs } from '../../../../processors/runtime/flush-outputs';
import type { ReadingsTopology } from '../../../../processors/topology';

// What a flush publishes: each alert a record keyed by its meter; window results in records of
// up to 500, one run per input partition in emission order, on the same partition number of
// the rollups topic (modulo its partitions).
const topic = (name: string, partitions: number) => ({ name, partitions, config: {}, description: '' });
const routes = (rollupPartitions: number): ReadingsTopology['routes'] => ({
  'window-results': { topic: topic('t.rollups', rollupPartitions) },
  alerts: { topic: topic('t.alerts', 6) },
  invoices: { topic: null },
});
const average = (meterId: string, start: number): WindowResult => ({
  kind: 'rolling-average',
  value: { meterId, sector: null, windowSize: '1h', windowStart: start, windowEnd: start + 3_600_000, count: 1, sum: start, mean: start, min: start, max: start } satisfies RollingAverage,
});
const alert: AlertEvent = { alertId: 'a-1', meterId: 'm-9', sector: null, rule: 'continuous-flow', ruleKind: 'continuous-flow', severity: 'warning', state: 'open', startedAt: 1_000, evidence: {}, at: 1_000 };
const events = (list: Array<[partition: number, result: WindowResult]>): FlushOutputs['events'] =>
  list.map(([partition, result]) => ({ processor: 'rolling-averages', partition, emitted: { event: { stream: 'window-results', result }, rows: [] } }));
const decoded = (records: OutgoingRecord[]) => records.map((r) => [r.topic, r.partition, r.key, decodeWindowResults(r.value).map((w) => (w.kind === 'rolling-average' ? `${w.value.meterId}@${w.value.windowStart}` : w.value.scopeId))]);

describe('the records a flush publishes', () => {
  it('window results: one record per input partition, in emission order, on that partition', () => {
    const records = outputRecords(routes(6), events([[2, average('a', 1)], [4, average('b', 1)], [2, average('c', 1)], [2, average('a', 2)]]));
    expect(decoded(records)).toEqual([
      ['t.rollups', 2, 'a', ['a@1', 'c@1', 'a@2']],
      ['t.rollups', 4, 'b', ['b@1']],
    ]);
  });

  it('a long run is cut every 500 results, and the partition wraps onto a smaller rollups topic', () => {
    const many = Array.from({ length: 1_201 }, (_, i) => [7, average(`m${i}`, i)] as [number, WindowResult]);
    const records = outputRecords(routes(3), events(many));
    expect(records.map((r) => [r.partition, decodeWindowResults(r.value).length])).toEqual([
      [1, 500],
      [1, 500],
      [1, 201],
    ]);
    expect(records.flatMap((r) => decodeWindowResults(r.value)).map((w) => (w.kind === 'rolling-average' ? w.value.windowStart : -1))).toEqual(many.map((_, i) => i));
  });

  it('an alert is a record of its own, keyed by its meter, placed by the partitioner', () => {
    const records = outputRecords(routes(6), [{ processor: 'alerts', partition: 3, emitted: { event: { stream: 'alerts', alert }, rows: [] } }]);
    expect(records.map((r) => [r.topic, r.key, r.partition])).toEqual([['t.alerts', 'm-9', undefined]]);
    expect(decodeAlert(records[0]!.value).alertId).toBe('a-1');
  });

  it('publishes nothing for a stream without a topic', () => {
    const none = { ...routes(6), 'window-results': { topic: null } } as ReadingsTopology['routes'];
    expect(outputRecords(none, events([[0, average('a', 1)]]))).toEqual([]);
  });
});
