import { formatBytes, formatLifecycleStatus } from '../../../../core/lifecycle/format-status';
import type { LifecycleStatus, TableStatus, TopicStatus } from '../../../../core/lifecycle/lifecycle-status';

const table = (over: Partial<TableStatus>): TableStatus => ({
  table: 'readings',
  rule: 'forever',
  source: 'default',
  applied: 'forever',
  inSync: true,
  oldest: null,
  newest: null,
  rows: 0,
  partitions: 0,
  diskBytes: 0,
  note: '',
  ...over,
});
const topic = (over: Partial<TopicStatus>): TopicStatus => ({
  name: 'readings',
  topic: 'meterflow.readings',
  rule: '7d',
  source: 'default',
  applied: '7d',
  retentionMs: '604800000',
  inSync: true,
  note: '',
  ...over,
});

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1536, '1.5 KiB'],
    [5 * 1024 * 1024, '5.0 MiB'],
    [3 * 1024 ** 3 + 512 * 1024 ** 2, '3.5 GiB'],
  ])('%d → %s', (bytes, text) => expect(formatBytes(bytes)).toBe(text));
});

describe('formatLifecycleStatus', () => {
  const status: LifecycleStatus = {
    readingsFloor: '2d',
    tables: [
      table({ rule: '400d', source: 'configured', applied: 'forever', inSync: false, oldest: '2012-03-01T06:30:00.000Z', newest: '2026-11-30T23:59:59.999Z', rows: 1234567, partitions: 5000, diskBytes: 1536 }),
      table({ table: 'dead_letters', rule: '30d', applied: '30d' }),
      table({ table: 'payments', applied: null, inSync: false, rows: null, partitions: null, diskBytes: null }),
    ],
    topics: [topic({}), topic({ name: 'alerts', topic: 'meterflow.alerts', rule: '90d', source: 'configured', applied: '30d', retentionMs: '2592000000', inSync: false })],
  };
  const lines = formatLifecycleStatus(status).split('\n');
  const line = (start: string) => lines.find((l) => l.startsWith(start))!.split(/\s{2,}/);

  it("shows each table's rule (* when configured), what is applied, its time range in UTC minutes, rows, partitions and size", () => {
    expect(line('TABLE')).toEqual(['TABLE', 'RULE', 'APPLIED', 'OLDEST (UTC)', 'NEWEST (UTC)', 'ROWS', 'PARTITIONS', 'DISK']);
    expect(line('readings')).toEqual(['readings', '400d*', 'forever (differs)', '2012-03-01 06:30', '2026-11-30 23:59', '1234567', '5000', '1.5 KiB']);
    expect(line('dead_letters')).toEqual(['dead_letters', '30d', '30d', '-', '-', '0', '0', '0 B']);
    expect(line('payments')).toEqual(['payments', 'forever', 'missing', '-', '-', '-', '-', '-']);
  });

  it("shows each topic's rule and retention.ms, and what apply would do", () => {
    expect(line('meterflow.readings')).toEqual(['meterflow.readings', '7d', '7d (604800000)']);
    expect(line('meterflow.alerts')).toEqual(['meterflow.alerts', '90d*', '30d (differs) (2592000000)']);
    expect(lines).toContain('2 differ from their rule: npm run lifecycle -- apply');
    expect(lines).toContain('1 not created yet (the services create them at start; run apply after).');
    expect(lines.some((l) => l.includes('no rule under 2d'))).toBe(true);
  });

  it('says when nothing is left to apply', () => {
    const text = formatLifecycleStatus({ readingsFloor: '2d', tables: [table({})], topics: [topic({})] });
    expect(text).toContain('Every existing table and topic has its rule.');
    expect(text).not.toContain('not created yet');
  });
});
