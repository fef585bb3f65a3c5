import { questdbTables } from '../../../../core/contracts/questdb-tables';

/** Pulls the parts of a CREATE TABLE statement the contract depends on. */
function parseDdl(ddl: string) {
  const text = ddl.replace(/\s+/g, ' ').trim();
  const name = /^CREATE TABLE IF NOT EXISTS (\w+) \(/.exec(text)?.[1];
  const body = /\((.*)\) TIMESTAMP\(/.exec(text)?.[1] ?? '';
  const columns = new Map(
    body
      .split(',')
      .map((c) => c.trim().split(' '))
      .map(([column, type]) => [column as string, type as string]),
  );
  const designated = /\) TIMESTAMP\((\w+)\)/.exec(text)?.[1];
  const partition = /PARTITION BY (\w+)/.exec(text)?.[1];
  const wal = /\bWAL\b/.test(text) && !/\bBYPASS WAL\b/.test(text);
  const dedup = /DEDUP UPSERT KEYS\(([^)]*)\)/.exec(text)?.[1]?.split(',').map((k) => k.trim());
  const ttl = /\bTTL (\d+) (\w+)/.exec(text);
  return { name, columns, designated, partition, wal, dedup, ttl: ttl ? `${ttl[1]} ${ttl[2]}` : null };
}

const tables = Object.entries(questdbTables);

describe('questdbTables', () => {
  it('declares the raw tables, the processor outputs, the state table and the API\'s tables', () => {
    expect(tables.map(([, t]) => t.name).sort()).toEqual([
      'alerts',
      'audit_log',
      'command_events',
      'commands',
      'dead_letters',
      'edge_stats',
      'invoice_lines',
      'invoices',
      'late_readings',
      'meter_owners',
      'meter_registry',
      'meter_replacements',
      'payment_intents',
      'payments',
      'processor_state',
      'readings',
      'rolling_averages',
      'rollups',
      'service_metrics',
      'tariff_versions',
    ]);
  });

  // Tables written a few rows a day per meter at most (registry changes, payments and their intents, audit) are
  // partitioned by month: a day partition each would be mostly empty files.
  const monthly = new Set(['meter_registry', 'meter_replacements', 'payments', 'payment_intents', 'audit_log']);
  // A utility publishes a few tariff versions a year.
  // Owners change a few times a decade per meter.
  const yearly = new Set(['tariff_versions', 'meter_owners']);

  it.each(tables)('%s: DDL creates the table it is named after', (_key, table) => {
    expect(parseDdl(table.ddl).name).toBe(table.name);
  });

  it.each(tables)('%s: WAL, PARTITION BY DAY (MONTH or YEAR for low-volume tables), designated timestamp is a TIMESTAMP column', (_key, table) => {
    const ddl = parseDdl(table.ddl);
    expect(ddl.wal).toBe(true);
    expect(ddl.partition).toBe(yearly.has(table.name) ? 'YEAR' : monthly.has(table.name) ? 'MONTH' : 'DAY');
    expect(ddl.designated).toBeDefined();
    expect(ddl.columns.get(ddl.designated as string)).toBe('TIMESTAMP');
  });

  it.each(tables)('%s: DEDUP UPSERT KEYS include the designated timestamp and name real columns', (_key, table) => {
    const ddl = parseDdl(table.ddl);
    expect(ddl.dedup).toBeDefined();
    expect(ddl.dedup).toContain(ddl.designated);
    for (const key of ddl.dedup ?? []) expect(ddl.columns.has(key)).toBe(true);
  });

  it('readings and edge_stats are keyed by (ts, meter_id)', () => {
    expect(parseDdl(questdbTables.readings.ddl).dedup).toEqual(['ts', 'meter_id']);
    expect(parseDdl(questdbTables.edgeStats.ddl).dedup).toEqual(['ts', 'meter_id']);
  });

  it('dead_letters are keyed by their Kafka position and kept 30 days', () => {
    const ddl = parseDdl(questdbTables.deadLetters.ddl);
    expect(ddl.dedup).toEqual(['ts', 'kafka_partition', 'kafka_offset']);
    expect(ddl.ttl).toBe('30 DAYS');
  });

  it('readings carry every field of a Reading as a column', () => {
    const { columns } = parseDdl(questdbTables.readings.ddl);
    for (const c of ['ts', 'meter_id', 'kind', 'sector', 'value', 'value_unit', 'register', 'register_unit', 'seq', 'received_at']) {
      expect(columns.has(c)).toBe(true);
    }
  });

  it('edge_stats carry every field of EdgeStats as a column', () => {
    const { columns } = parseDdl(questdbTables.edgeStats.ddl);
    for (const c of ['ts', 'meter_id', 'kind', 'sector', 'interval_end', 'count', 'min', 'max', 'mean', 'unit', 'received_at']) {
      expect(columns.has(c)).toBe(true);
    }
  });

  it('CREATE is idempotent (IF NOT EXISTS) so every service may run it at start-up', () => {
    for (const [, table] of tables) expect(table.ddl).toMatch(/^CREATE TABLE IF NOT EXISTS /);
  });
});
