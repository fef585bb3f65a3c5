import { isMeterKind, type MeterKind } from '../../core/contracts';
import { noBillingSettings, type MeterBillingSettings, type MeterRecord } from './meter-directory';

/** A meter's current registry row (meter_registry LATEST ON ts PARTITION BY meter_id). */
export interface RegistryRow {
  meterId: string;
  kind: string | null;
  sector: string | null;
  customerId: string | null;
  timeZone: string | null;
  reportingIntervalS: number | null;
  tariffId: string | null;
  label: string | null;
  registeredAt: Date | null;
  /** ts of the row: when the registry last changed. */
  updatedAt: Date;
  billing: MeterBillingSettings;
}

/** A meter's last reading (readings LATEST ON ts PARTITION BY meter_id). */
export interface SeenRow {
  meterId: string;
  kind: string | null;
  sector: string | null;
  lastSeenAt: Date;
}

const kindOf = (...candidates: (string | null | undefined)[]): MeterKind => {
  for (const k of candidates) if (isMeterKind(k)) return k;
  return 'generic';
};

/**
 * One record per meter: the registry is authoritative for what it says, readings fill what it
 * leaves out (kind and sector of meters that report without being registered) and give
 * lastSeenAt. A `remembered` record (this process's own registry write) wins over a registry row
 * older than it, because QuestDB shows writes only once its WAL is applied.
 */
/** A meter known only from its readings (or about to be registered): nothing but kind and sector. */
export function unregisteredMeter(meterId: string, kind: MeterKind, sector: string | null, lastSeenAt: Date | null): MeterRecord {
  return { meterId, kind, sector, customerId: null, timeZone: null, reportingIntervalS: null, tariffId: null, label: null, registeredAt: null, updatedAt: null, lastSeenAt, billing: noBillingSettings };
}

export function mergeMeterRecords(registry: readonly RegistryRow[], seen: readonly SeenRow[], remembered: ReadonlyMap<string, MeterRecord> = new Map()): Map<string, MeterRecord> {
  const out = new Map<string, MeterRecord>();
  const seenById = new Map(seen.map((s) => [s.meterId, s]));
  for (const r of registry) {
    const s = seenById.get(r.meterId);
    out.set(r.meterId, {
      meterId: r.meterId,
      kind: kindOf(r.kind, s?.kind),
      sector: r.sector ?? s?.sector ?? null,
      customerId: r.customerId,
      timeZone: r.timeZone,
      reportingIntervalS: r.reportingIntervalS,
      tariffId: r.tariffId,
      label: r.label,
      registeredAt: r.registeredAt ?? r.updatedAt,
      updatedAt: r.updatedAt,
      lastSeenAt: s?.lastSeenAt ?? null,
      billing: r.billing,
    });
  }
  for (const s of seen) {
    if (out.has(s.meterId)) continue;
    out.set(s.meterId, unregisteredMeter(s.meterId, kindOf(s.kind), s.sector, s.lastSeenAt));
  }
  for (const [id, mine] of remembered) {
    const stored = out.get(id);
    if (stored && !isNewer(mine, stored)) continue;
    out.set(id, { ...mine, lastSeenAt: stored?.lastSeenAt ?? mine.lastSeenAt });
  }
  return out;
}

/** True when `a` is a registry change QuestDB does not show yet in `b`. */
export function isNewer(a: MeterRecord, b: MeterRecord | undefined): boolean {
  if (!b || b.updatedAt === null) return true;
  return a.updatedAt !== null && a.updatedAt.getTime() > b.updatedAt.getTime();
}
