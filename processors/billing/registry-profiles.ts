import { maxOwnerChanges, maxRegisterMultiplier } from '../../core/tariffs/billing-options';
import { checkTimeZone } from '../../core/time/local-time';

/** What billing takes from a meter's current registry record (GraphQL registerMeter / updateMeter). */
export interface RegistryProfile {
  /** The record's change time, epoch ms: a meter's state follows each version once. */
  version: number;
  /** IANA zone of its billing periods; null = the deployment's (MF_BILLING_TIME_ZONE). */
  zone: string | null;
  /** null = 1 (calendar months). */
  cycleDay: number | null;
  registerModulus: number | null;
  /** Multiplier of the first register; null = 1. */
  registerMultiplier: number | null;
  /** Register units per hour; null = the engine's default for the unit. */
  maxFlowPerHour: number | null;
  serviceStart: number | null;
  serviceEnd: number | null;
  /** Seconds between readings the meter is configured for (the silent-meter rule's interval); null = learned. */
  reportingIntervalS: number | null;
  /** Registers replaced at its service point (replaceMeterRegister), oldest first. */
  replacements: DeclaredReplacement[];
  /** The owner before the first change: the first change's previous owner, else the registry's customer. */
  customerId: string | null;
  /** Owner changes (changeMeterOwner), oldest first, at most maxOwnerChanges (the latest). */
  ownerChanges: { from: string; customerId: string | null }[];
}

/** A meter_owners row. */
export interface DeclaredOwnerChange {
  meterId: string;
  /** Local date the new owner has the meter from. */
  from: string;
  customerId: string | null;
  previousCustomerId: string | null;
  /** When it was declared (wall clock), epoch ms: a new declaration is a new version of the meter's profile. */
  declaredAt: number;
}

/** A meter_replacements row. */
export interface DeclaredReplacement {
  meterId: string;
  /** When the new register started, epoch ms. */
  at: number;
  oldFinalRegister: number | null;
  newInitialRegister: number;
  /** The new register's multiplier; null = the one in force goes on. */
  newRegisterMultiplier?: number | null;
  /** Unit of both values. */
  unit: string;
  /** When it was declared (wall clock), epoch ms: a new declaration is a new version of the meter's profile. */
  declaredAt: number;
}

/** A meter_registry row as the sync reads it (the latest per meter). */
export interface RegistryProfileRow {
  ts: number;
  meterId: string;
  timeZone: string | null;
  registerModulus: number | null;
  /** Absent in rows from before multipliers: 1. */
  registerMultiplier?: number | null;
  billingCycleDay: number | null;
  maxFlowPerHour: number | null;
  serviceStart: number | null;
  serviceEnd: number | null;
  reportingIntervalS?: number | null;
  /** The registry's customer (the current owner). */
  customerId?: string | null;
}

const valid = (row: RegistryProfileRow): string | null => {
  if (row.timeZone !== null) {
    try {
      checkTimeZone(row.timeZone);
    } catch {
      return `time_zone "${row.timeZone}" is not an IANA time zone`;
    }
  }
  if (row.billingCycleDay !== null && (!Number.isInteger(row.billingCycleDay) || row.billingCycleDay < 1 || row.billingCycleDay > 28)) return `billing_cycle_day ${row.billingCycleDay} is not 1-28`;
  if (row.registerModulus !== null && !(row.registerModulus > 0 && Number.isFinite(row.registerModulus))) return `register_modulus ${row.registerModulus} is not a positive number`;
  if (row.registerMultiplier != null && !(row.registerMultiplier > 0 && row.registerMultiplier <= maxRegisterMultiplier)) return `register_multiplier ${row.registerMultiplier} is not in (0, ${maxRegisterMultiplier}]`;
  if (row.maxFlowPerHour !== null && !(row.maxFlowPerHour > 0 && Number.isFinite(row.maxFlowPerHour))) return `max_flow_per_hour ${row.maxFlowPerHour} is not a positive number`;
  if (row.serviceStart !== null && row.serviceEnd !== null && row.serviceEnd <= row.serviceStart) return 'service_end is not after service_start';
  return null;
};

/**
 * Billing profiles from the registry's current rows. The API validates the same limits before
 * writing; a row that fails them anyway (written by hand in SQL) is refused with its reason and
 * billing keeps what it had, instead of stopping the meter's billing.
 */
export function registryProfiles(
  rows: readonly RegistryProfileRow[],
  replacements: readonly DeclaredReplacement[] = [],
  ownerChanges: readonly DeclaredOwnerChange[] = [],
): { profiles: Map<string, RegistryProfile>; refused: { row: RegistryProfileRow; reason: string }[] } {
  const profiles = new Map<string, RegistryProfile>();
  const refused: { row: RegistryProfileRow; reason: string }[] = [];
  const replacementsOf = groupByMeter([...replacements].sort((a, b) => a.at - b.at));
  const ownersOf = groupByMeter([...ownerChanges].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0)));
  const lastDeclared = (meterId: string) =>
    Math.max(-Infinity, ...(replacementsOf.get(meterId) ?? []).map((r) => r.declaredAt), ...(ownersOf.get(meterId) ?? []).map((o) => o.declaredAt));
  const owners = (meterId: string, registryCustomer: string | null) => {
    const changes = (ownersOf.get(meterId) ?? []).slice(-maxOwnerChanges);
    return { customerId: changes[0] ? changes[0].previousCustomerId : registryCustomer, ownerChanges: changes.map((c) => ({ from: c.from, customerId: c.customerId })) };
  };
  for (const row of rows) {
    const reason = valid(row);
    if (reason !== null) {
      refused.push({ row, reason });
      continue;
    }
    profiles.set(row.meterId, {
      version: Math.max(row.ts, lastDeclared(row.meterId)),
      zone: row.timeZone,
      cycleDay: row.billingCycleDay,
      registerModulus: row.registerModulus,
      registerMultiplier: row.registerMultiplier ?? null,
      maxFlowPerHour: row.maxFlowPerHour,
      serviceStart: row.serviceStart,
      serviceEnd: row.serviceEnd,
      reportingIntervalS: row.reportingIntervalS != null && row.reportingIntervalS > 0 ? row.reportingIntervalS : null,
      replacements: replacementsOf.get(row.meterId) ?? [],
      ...owners(row.meterId, row.customerId ?? null),
    });
  }
  // A meter replaced without a registry record of its own (it reports, unregistered): the deployment's defaults.
  for (const meterId of new Set([...replacementsOf.keys(), ...ownersOf.keys()])) {
    if (profiles.has(meterId) || refused.some((r) => r.row.meterId === meterId)) continue;
    profiles.set(meterId, {
      version: lastDeclared(meterId),
      zone: null,
      cycleDay: null,
      registerModulus: null,
      registerMultiplier: null,
      maxFlowPerHour: null,
      serviceStart: null,
      serviceEnd: null,
      reportingIntervalS: null,
      replacements: replacementsOf.get(meterId) ?? [],
      ...owners(meterId, null),
    });
  }
  return { profiles, refused };
}

function groupByMeter<T extends { meterId: string }>(list: readonly T[]): Map<string, T[]> {
  const byMeter = new Map<string, T[]>();
  for (const item of list) (byMeter.get(item.meterId) ?? byMeter.set(item.meterId, []).get(item.meterId)!).push(item);
  return byMeter;
}
