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
  /** Register units per hour; null = the engine's default for the unit. */
  maxFlowPerHour: number | null;
  serviceStart: number | null;
  serviceEnd: number | null;
}

/** A meter_registry row as the sync reads it (the latest per meter). */
export interface RegistryProfileRow {
  ts: number;
  meterId: string;
  timeZone: string | null;
  registerModulus: number | null;
  billingCycleDay: number | null;
  maxFlowPerHour: number | null;
  serviceStart: number | null;
  serviceEnd: number | null;
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
  if (row.maxFlowPerHour !== null && !(row.maxFlowPerHour > 0 && Number.isFinite(row.maxFlowPerHour))) return `max_flow_per_hour ${row.maxFlowPerHour} is not a positive number`;
  if (row.serviceStart !== null && row.serviceEnd !== null && row.serviceEnd <= row.serviceStart) return 'service_end is not after service_start';
  return null;
};

/**
 * Billing profiles from the registry's current rows. The API validates the same limits before
 * writing; a row that fails them anyway (written by hand in SQL) is refused with its reason and
 * billing keeps what it had, instead of stopping the meter's billing.
 */
export function registryProfiles(rows: readonly RegistryProfileRow[]): { profiles: Map<string, RegistryProfile>; refused: { row: RegistryProfileRow; reason: string }[] } {
  const profiles = new Map<string, RegistryProfile>();
  const refused: { row: RegistryProfileRow; reason: string }[] = [];
  for (const row of rows) {
    const reason = valid(row);
    if (reason !== null) {
      refused.push({ row, reason });
      continue;
    }
    profiles.set(row.meterId, {
      version: row.ts,
      zone: row.timeZone,
      cycleDay: row.billingCycleDay,
      registerModulus: row.registerModulus,
      maxFlowPerHour: row.maxFlowPerHour,
      serviceStart: row.serviceStart,
      serviceEnd: row.serviceEnd,
    });
  }
  return { profiles, refused };
}
