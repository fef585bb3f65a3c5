import { defaultUnits, isMeterKind } from '../../core/contracts';
import { localDate } from '../../core/time/local-days';
import type { Tariff } from '../../core/tariffs/tariff';
import type { TariffAssignment } from '../../core/tariffs/tariff-assignment';
import { pricesKind } from '../../core/tariffs/priced-kinds';

type Schedule = TariffAssignment['meters'][string];

/** A meter_registry row that names a tariff (assignTariff, registerMeter, updateMeter). */
export interface RegistryTariffRow {
  /** Change time, epoch ms. */
  ts: number;
  meterId: string;
  kind: string | null;
  tariffId: string;
}

export interface RegistrySchedules {
  /** Per meter: a schedule entry at each registry change of its tariff. */
  schedules: Map<string, Schedule>;
  /** Rows not used, with why (unknown tariff, unit the meter's kind cannot be priced in). */
  refused: { row: RegistryTariffRow; reason: string }[];
}

/**
 * Tariff schedules from the registry's history. A change takes effect at the local midnight
 * of the day it was made (the billing time zone), like a configured schedule entry: every day
 * keeps exactly one tariff, and past days, already billed, never change. Rows are refused when
 * the tariff is unknown or cannot price the meter's kind (a water meter on a kWh tariff), so a
 * bad assignment is reported instead of stopping the billing of that meter.
 */
export function registrySchedules(rows: readonly RegistryTariffRow[], tariffs: ReadonlyMap<string, Tariff>, zone: string): RegistrySchedules {
  const schedules = new Map<string, Schedule>();
  const refused: RegistrySchedules['refused'] = [];
  for (const row of [...rows].sort((a, b) => a.ts - b.ts)) {
    const tariff = tariffs.get(row.tariffId);
    if (!tariff) {
      refused.push({ row, reason: `unknown tariff "${row.tariffId}"` });
      continue;
    }
    if (!isMeterKind(row.kind) || !pricesKind(tariff, row.kind)) {
      const unit = isMeterKind(row.kind) ? defaultUnits[row.kind].register || null : null;
      refused.push({ row, reason: `tariff "${row.tariffId}" prices ${tariff.unit}, meter kind ${row.kind ?? 'unknown'} registers ${unit ?? 'nothing'}` });
      continue;
    }
    const schedule = schedules.get(row.meterId) ?? [];
    const from = localDate(row.ts, zone);
    // Two changes on one day: the later one holds for the whole day.
    if (schedule.at(-1)?.from === from && schedule.at(-1)?.tariffId !== row.tariffId) schedule.pop();
    // A row that repeats the tariff in force (another field changed) starts nothing.
    if (schedule.at(-1)?.tariffId !== row.tariffId) schedule.push({ from, tariffId: row.tariffId });
    schedules.set(row.meterId, schedule);
  }
  return { schedules, refused };
}

/** The configured schedule until the registry's first entry, then the registry's. */
export function mergeSchedules(configured: Schedule | undefined, registry: Schedule): Schedule {
  const first = registry[0]!.from;
  return [...(configured ?? []).filter((e) => e.from < first), ...registry];
}
