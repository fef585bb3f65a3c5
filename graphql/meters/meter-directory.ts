import type { MeterKind } from '../../core/contracts';
import type { QuestdbPool } from '../../core/questdb/questdb-sql';
import { createRecentWrites } from '../mutations/recent-writes';
import { isNewer, mergeMeterRecords, type RegistryRow, type SeenRow } from './merge-meter-records';

/**
 * A meter as the API knows it: its registry record (meter_registry, written by
 * registerMeter/updateMeter/assignTariff) merged with what its readings say (meters that report
 * without being registered are known too, with kind and sector from their last reading).
 */
export interface MeterRecord {
  meterId: string;
  kind: MeterKind;
  sector: string | null;
  customerId: string | null;
  timeZone: string | null;
  reportingIntervalS: number | null;
  tariffId: string | null;
  label: string | null;
  /** null for a meter only seen in readings. */
  registeredAt: Date | null;
  /** Time of the last registry change, null if never registered. */
  updatedAt: Date | null;
  /** Event time of the last reading, null if it never reported. */
  lastSeenAt: Date | null;
  /** What billing takes from the registry besides zone and tariff (docs/billing.md, "The meter's own registry entry"). */
  billing: MeterBillingSettings;
}

export interface MeterBillingSettings {
  registerModulus: number | null;
  registerMultiplier: number | null;
  billingCycleDay: number | null;
  maxFlowPerHour: number | null;
  serviceStart: Date | null;
  serviceEnd: Date | null;
}

export const noBillingSettings: MeterBillingSettings = Object.freeze({ registerModulus: null, registerMultiplier: null, billingCycleDay: null, maxFlowPerHour: null, serviceStart: null, serviceEnd: null });

export interface MeterFilter {
  sector?: string | null;
  kind?: MeterKind | null;
  customerId?: string | null;
}

export interface MeterDirectory {
  get(meterId: string): Promise<MeterRecord | null>;
  /** Every meter matching the filter, ordered by meter id. */
  list(filter: MeterFilter): Promise<MeterRecord[]>;
  /**
   * A registry change this process just wrote: served at once, before QuestDB's WAL makes it
   * visible to reads (read-your-writes for the caller of registerMeter).
   */
  remember(record: MeterRecord): void;
}

export interface MeterDirectoryOptions {
  questdb: QuestdbPool;
  /** How long a QuestDB read of the directory is reused. */
  cacheMs: number;
  /** Most remembered registry changes held (default 10,000; the oldest go first). */
  maxRemembered?: number;
  /** How long a remembered change is held if no read shows it first (default 10 minutes: QuestDB shows a write within seconds). */
  rememberMs?: number;
  /** Epoch ms; injected so tests drive freshness and expiry. */
  clock?: () => number;
}

interface Snapshot {
  /** When the load began: a load is fresh while that is within cacheMs. */
  startedAt: number;
  byId: Map<string, MeterRecord>;
  /** By meter id (code-unit order, the order cursors compare in). */
  sorted: MeterRecord[];
}

interface RegistrySql {
  ts: Date;
  meter_id: string;
  kind: string | null;
  sector: string | null;
  customer_id: string | null;
  time_zone: string | null;
  reporting_interval_s: string | number | null;
  tariff_id: string | null;
  label: string | null;
  registered_at: Date | null;
  register_modulus: number | null;
  register_multiplier: number | null;
  billing_cycle_day: string | number | null;
  max_flow_per_hour: number | null;
  service_start: Date | null;
  service_end: Date | null;
}

interface SeenSql {
  ts: Date;
  meter_id: string;
  kind: string | null;
  sector: string | null;
}

const registrySql = `SELECT ts, meter_id, kind, sector, customer_id, time_zone, reporting_interval_s, tariff_id, label, registered_at, register_modulus, register_multiplier, billing_cycle_day, max_flow_per_hour, service_start, service_end FROM meter_registry`;
const seenSql = `SELECT ts, meter_id, kind, sector FROM readings`;
// LATEST ON applies WHERE first: filtering by meter keeps the one-meter lookups index-cheap.
const latestRegistry = `LATEST ON ts PARTITION BY meter_id`;

const toRegistryRow = (r: RegistrySql): RegistryRow => ({
  meterId: r.meter_id,
  kind: r.kind,
  sector: r.sector,
  customerId: r.customer_id,
  timeZone: r.time_zone,
  reportingIntervalS: r.reporting_interval_s === null ? null : Number(r.reporting_interval_s),
  tariffId: r.tariff_id,
  label: r.label,
  registeredAt: r.registered_at,
  updatedAt: r.ts,
  billing: {
    registerModulus: r.register_modulus ?? null,
    registerMultiplier: r.register_multiplier ?? null,
    billingCycleDay: r.billing_cycle_day == null ? null : Number(r.billing_cycle_day),
    maxFlowPerHour: r.max_flow_per_hour ?? null,
    serviceStart: r.service_start ?? null,
    serviceEnd: r.service_end ?? null,
  },
});
const toSeenRow = (r: SeenSql): SeenRow => ({ meterId: r.meter_id, kind: r.kind, sector: r.sector, lastSeenAt: r.ts });

/** Fraction of cacheMs after which a request starts the next directory load in the background. */
const refreshAheadAt = 0.8;

const byMeterId = (a: MeterRecord, b: MeterRecord) => (a.meterId < b.meterId ? -1 : a.meterId > b.meterId ? 1 : 0);

export function matchesFilter(m: MeterRecord, filter: MeterFilter): boolean {
  return (!filter.sector || m.sector === filter.sector) && (!filter.kind || m.kind === filter.kind) && (!filter.customerId || m.customerId === filter.customerId);
}

/**
 * The meter directory: meter_registry (current row per meter) merged with the last reading of
 * every meter that ever reported. The whole directory is one snapshot reused for cacheMs
 * (concurrent requests share one load); with cacheMs = 0, get() runs two indexed one-meter
 * queries instead of loading everything.
 */
export function createMeterDirectory(options: MeterDirectoryOptions): MeterDirectory {
  const { questdb, cacheMs } = options;
  const clock = options.clock ?? Date.now;
  // Registry changes this server wrote, until a read shows them (forget) or they expire.
  const remembered = createRecentWrites<MeterRecord>({ maxEntries: options.maxRemembered ?? 10_000, ttlMs: options.rememberMs ?? 10 * 60_000, clock });
  const rememberedById = () => new Map(remembered.values().map((m) => [m.meterId, m]));
  let snapshot: Snapshot | null = null;
  let loading: Promise<Snapshot> | null = null;
  let loadingStartedAt = 0;

  const fresh = (startedAt: number) => clock() - startedAt <= cacheMs;

  const forget = (byId: Map<string, MeterRecord>) => {
    // QuestDB shows the write now (or something newer): the overlay has done its job.
    for (const mine of remembered.values()) {
      const stored = byId.get(mine.meterId);
      if (stored?.updatedAt && mine.updatedAt && stored.updatedAt.getTime() >= mine.updatedAt.getTime()) remembered.delete(mine.meterId);
    }
  };

  const load = async (): Promise<Snapshot> => {
    const startedAt = clock();
    const [registry, seen] = await Promise.all([
      questdb.query<RegistrySql>(`${registrySql} ${latestRegistry}`),
      questdb.query<SeenSql>(`${seenSql} ${latestRegistry}`),
    ]);
    const plain = mergeMeterRecords(registry.rows.map(toRegistryRow), seen.rows.map(toSeenRow));
    forget(plain);
    const byId = remembered.size > 0 ? mergeMeterRecords(registry.rows.map(toRegistryRow), seen.rows.map(toSeenRow), rememberedById()) : plain;
    return { startedAt, byId, sorted: [...byId.values()].sort(byMeterId) };
  };

  const startLoad = (): Promise<Snapshot> => {
    loadingStartedAt = clock();
    const pending = load()
      .then((loaded) => {
        if (!snapshot || loaded.startedAt >= snapshot.startedAt) snapshot = loaded;
        return loaded;
      })
      .finally(() => {
        if (loading === pending) loading = null;
      });
    loading = pending;
    return pending;
  };

  const current = async (): Promise<Snapshot> => {
    if (snapshot && fresh(snapshot.startedAt)) {
      // Refresh ahead: a request in the last fifth of the snapshot's life starts the next load in
      // the background and is answered from the current one, so under steady traffic no request
      // waits for a load (it scans the readings table: tens to hundreds of ms, a stall for every
      // request queued behind it). No answer ever comes from a snapshot older than cacheMs.
      if (!loading && clock() - snapshot.startedAt >= cacheMs * refreshAheadAt) {
        // A failed background load is retried by the next request (or surfaces once this one expires).
        startLoad().catch(() => undefined);
      }
      return remembered.size === 0 ? snapshot : withOverlay(snapshot);
    }
    return loading && fresh(loadingStartedAt) ? loading : startLoad();
  };

  // remember() after the snapshot was taken: apply the overlay without reloading.
  const withOverlay = (s: Snapshot): Snapshot => {
    let changed = false;
    const byId = new Map(s.byId);
    for (const mine of remembered.values()) {
      const stored = byId.get(mine.meterId);
      if (isNewer(mine, stored)) {
        byId.set(mine.meterId, { ...mine, lastSeenAt: stored?.lastSeenAt ?? mine.lastSeenAt });
        changed = true;
      }
    }
    return changed ? { startedAt: s.startedAt, byId, sorted: [...byId.values()].sort(byMeterId) } : s;
  };

  const getOne = async (meterId: string): Promise<MeterRecord | null> => {
    const [registry, seen] = await Promise.all([
      questdb.query<RegistrySql>(`${registrySql} WHERE meter_id = $1 ${latestRegistry}`, [meterId]),
      questdb.query<SeenSql>(`${seenSql} WHERE meter_id = $1 ${latestRegistry}`, [meterId]),
    ]);
    const mine = remembered.get(meterId);
    const merged = mergeMeterRecords(registry.rows.map(toRegistryRow), seen.rows.map(toSeenRow), mine ? new Map([[meterId, mine]]) : new Map());
    return merged.get(meterId) ?? null;
  };

  return {
    async get(meterId) {
      // With a cache, one snapshot serves every lookup for cacheMs; without one, two indexed one-meter queries beat loading everything.
      if (cacheMs > 0) return (await current()).byId.get(meterId) ?? null;
      return getOne(meterId);
    },
    async list(filter) {
      return (await current()).sorted.filter((m) => matchesFilter(m, filter));
    },
    remember(record) {
      remembered.set(record.meterId, record);
    },
  };
}
