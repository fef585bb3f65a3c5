import type { QuestdbPool } from '../../../../core/questdb/questdb-sql';
import { createMeterDirectory, noBillingSettings, type MeterRecord } from '../../../../graphql/meters/meter-directory';

/**
 * A stand-in for QuestDB's pg pool that answers the directory's two statements (registry rows,
 * readings' last rows) from fixed rows and counts the reads: what is tested here is the
 * directory's caching over time, not SQL (the integration tests run it on QuestDB).
 */
function fakeQuestdb(registry: Record<string, unknown>[] = []) {
  let reads = 0;
  const pool = {
    query: async (sql: string) => {
      reads += 1;
      return { rows: sql.includes('FROM meter_registry') ? registry : [] };
    },
  } as unknown as QuestdbPool;
  return { pool, reads: () => reads };
}

const record = (meterId: string, updatedAt: number, customerId = 'c-1'): MeterRecord => ({
  meterId,
  kind: 'water',
  sector: 's-1',
  customerId,
  timeZone: null,
  reportingIntervalS: null,
  tariffId: null,
  label: null,
  registeredAt: new Date(updatedAt),
  updatedAt: new Date(updatedAt),
  lastSeenAt: null,
  billing: noBillingSettings,
});

describe('createMeterDirectory with an injected clock', () => {
  it('reuses one read for cacheMs of the clock, then waits for a new one', async () => {
    let now = 1_000_000;
    const questdb = fakeQuestdb();
    const directory = createMeterDirectory({ questdb: questdb.pool, cacheMs: 5_000, clock: () => now });
    await directory.get('m-1');
    now += 3_999;
    await directory.list({});
    expect(questdb.reads()).toBe(2);
    // No request in the last fifth of its life: the expired snapshot is not used, a request waits for a new read.
    now += 1_002;
    await directory.get('m-1');
    expect(questdb.reads()).toBe(4);
  });

  it('a request in the last fifth of cacheMs starts the next read in the background and is answered at once', async () => {
    let now = 1_000_000;
    const questdb = fakeQuestdb();
    const directory = createMeterDirectory({ questdb: questdb.pool, cacheMs: 5_000, clock: () => now });
    await directory.get('m-1');
    now += 4_000;
    await directory.get('m-1');
    expect(questdb.reads()).toBe(4);
    // The background read (started at +4,000) is the snapshot now: fresh until +9,000, no read at +8,000 - 1.
    await new Promise((resolve) => setImmediate(resolve));
    now += 3_999;
    await directory.get('m-1');
    expect(questdb.reads()).toBe(4);
    now += 1_002;
    await directory.get('m-1');
    expect(questdb.reads()).toBe(6);
  });

  it('serves a remembered registry change QuestDB does not show, until rememberMs has passed', async () => {
    let now = 1_000_000;
    const directory = createMeterDirectory({ questdb: fakeQuestdb().pool, cacheMs: 0, rememberMs: 60_000, clock: () => now });
    directory.remember(record('m-1', now));
    expect((await directory.get('m-1'))?.customerId).toBe('c-1');
    now += 59_999;
    expect(await directory.get('m-1')).not.toBeNull();
    now += 1;
    expect(await directory.get('m-1')).toBeNull();
  });

  it('holds at most maxRemembered changes, the oldest going first', async () => {
    const now = 1_000_000;
    const directory = createMeterDirectory({ questdb: fakeQuestdb().pool, cacheMs: 0, maxRemembered: 2, clock: () => now });
    for (const id of ['m-1', 'm-2', 'm-3']) directory.remember(record(id, now));
    expect(await directory.get('m-1')).toBeNull();
    expect(await directory.get('m-2')).not.toBeNull();
    expect(await directory.get('m-3')).not.toBeNull();
  });

  it('a stored registry row newer than the remembered change wins', async () => {
    let now = 1_000_000;
    const stored = { ts: new Date(now + 10), meter_id: 'm-1', kind: 'water', sector: 's-1', customer_id: 'c-2', time_zone: null, reporting_interval_s: null, tariff_id: null, label: null, registered_at: new Date(now) };
    const directory = createMeterDirectory({ questdb: fakeQuestdb([stored]).pool, cacheMs: 1_000, clock: () => now });
    directory.remember(record('m-1', now, 'c-1'));
    expect((await directory.get('m-1'))?.customerId).toBe('c-2');
    now += 1_001;
    expect((await directory.get('m-1'))?.customerId).toBe('c-2');
  });
});
