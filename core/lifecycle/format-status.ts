import type { LifecycleStatus } from './lifecycle-status';

/** 1536 → `1.5 KiB`; binary units, as `du -h` counts. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${bytes} B` : `${value.toFixed(1)} ${units[unit]}`;
}

/** `2012-03-01T06:30:00.000Z` → `2012-03-01 06:30` (UTC, minutes: the partitions' bounds). */
function shortTime(value: string | null): string {
  return value === null ? '-' : `${value.slice(0, 10)} ${value.slice(11, 16)}`;
}

function columns(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n');
}

/**
 * The human form of `lifecycle status`: one line per table and per topic, the rule ("*" when set by
 * MF_RETENTION_TABLES / MF_RETENTION_TOPICS, else the default) beside what is applied now.
 */
export function formatLifecycleStatus(status: LifecycleStatus): string {
  const ruleText = (rule: string, source: 'default' | 'configured') => (source === 'configured' ? `${rule}*` : rule);
  const appliedText = (applied: string | null, inSync: boolean) => (applied === null ? 'missing' : inSync ? applied : `${applied} (differs)`);
  const tableRows = [
    ['TABLE', 'RULE', 'APPLIED', 'OLDEST (UTC)', 'NEWEST (UTC)', 'ROWS', 'PARTITIONS', 'DISK'],
    ...status.tables.map((t) => [
      t.table,
      ruleText(t.rule, t.source),
      appliedText(t.applied, t.inSync),
      shortTime(t.oldest),
      shortTime(t.newest),
      t.rows === null ? '-' : String(t.rows),
      t.partitions === null ? '-' : String(t.partitions),
      t.diskBytes === null ? '-' : formatBytes(t.diskBytes),
    ]),
  ];
  const topicRows = [
    ['TOPIC', 'RULE', 'APPLIED (retention.ms)'],
    ...status.topics.map((t) => [t.topic, ruleText(t.rule, t.source), t.applied === null ? 'missing' : `${appliedText(t.applied, t.inSync)} (${t.retentionMs})`]),
  ];
  const pending = [...status.tables, ...status.topics].filter((x) => x.applied !== null && !x.inSync).length;
  const missing = [...status.tables, ...status.topics].filter((x) => x.applied === null).length;
  return [
    columns(tableRows),
    '',
    columns(topicRows),
    '',
    `* set by MF_RETENTION_TABLES / MF_RETENTION_TOPICS; the others are defaults. Raw readings accept no rule under ${status.readingsFloor}.`,
    pending === 0 ? 'Every existing table and topic has its rule.' : `${pending} differ from their rule: npm run lifecycle -- apply`,
    ...(missing > 0 ? [`${missing} not created yet (the services create them at start; run apply after).`] : []),
  ].join('\n');
}
