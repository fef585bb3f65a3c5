import { defaultPartitionOf } from '../../../../core/kafka';

describe('defaultPartitionOf', () => {
  // murmur2 hashes from Kafka's own UtilsTest.testMurmur2 (Java client): the bridge's grouping
  // must put a meter where a keyed record of the Java client or kafkajs would go.
  const javaMurmur2: [string, number][] = [
    ['21', -973932308],
    ['foobar', -790332482],
    ['a-little-bit-long-string', -985981536],
    ['a-little-bit-longer-string', -1486304829],
    ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
    ['abc', 479470107],
  ];

  it.each([6, 12, 997])('is toPositive(murmur2(key)) %% %i, as Kafka\'s default partitioner', (partitions) => {
    for (const [key, hash] of javaMurmur2) expect(defaultPartitionOf(key, partitions)).toBe((hash & 0x7fffffff) % partitions);
  });
});
