import type { LifecycleStatus } from '../../../../core/lifecycle/lifecycle-status';
import { describeAction, planRetention } from '../../../../core/lifecycle/retention-plan';

const table = (name: string, rule: string, applied: string | null, inSync: boolean) => ({
  table: name,
  rule,
  source: 'configured' as const,
  applied,
  inSync,
  oldest: null,
  newest: null,
  rows: null,
  partitions: null,
  diskBytes: null,
  note: '',
});
const topic = (name: string, rule: string, applied: string | null, inSync: boolean) => ({
  name,
  topic: `mf.${name}`,
  rule,
  source: 'configured' as const,
  applied,
  retentionMs: null,
  inSync,
  note: '',
});

describe('planRetention', () => {
  const status: LifecycleStatus = {
    readingsFloor: '2d',
    tables: [
      table('readings', '400d', 'forever', false),
      table('dead_letters', 'forever', '30d', false),
      table('audit_log', '18mo', '18mo', true),
      table('payments', '10y', null, false),
    ],
    topics: [topic('readings', '14d', '7d', false), topic('alerts', 'forever', '30d', false), topic('rollups', '7d', '7d', true), topic('commands', '2w', null, false)],
  };
  const actions = planRetention(status);

  it('changes only the existing tables and topics whose rule differs', () => {
    expect(actions.map((a) => (a.kind === 'table' ? a.table : a.topic))).toEqual(['readings', 'dead_letters', 'mf.readings', 'mf.alerts']);
  });

  it('sets a TTL in QuestDB units, 0 HOURS for forever, and retention.ms in ms, -1 for forever', () => {
    expect(actions[0]).toMatchObject({ statement: 'ALTER TABLE readings SET TTL 400 DAYS' });
    expect(actions[1]).toMatchObject({ statement: 'ALTER TABLE dead_letters SET TTL 0 HOURS' });
    // 14 × 86 400 000
    expect(actions[2]).toMatchObject({ retentionMs: '1209600000' });
    expect(actions[3]).toMatchObject({ retentionMs: '-1' });
    expect(describeAction(actions[2]!)).toBe('topic mf.readings: 7d -> 14d (retention.ms=1209600000)');
  });
});
