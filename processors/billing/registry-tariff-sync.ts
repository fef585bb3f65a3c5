import type { Logger } from '../../core/logger';
import type { Metrics } from '../../core/metrics';
import { startScheduledTask } from '../../core/scheduling/scheduled-task';
import type { QuestdbPool } from '../../core/questdb/questdb-sql';
import type { BillingEngine } from './billing-state';
import { registryProfiles, type RegistryProfile } from './registry-profiles';
import { mergeSchedules, registrySchedules } from './registry-tariff-schedules';
import { buildTariffCatalog, latestTariffs } from '../../core/tariffs/tariff-catalog';
import { meterOwnerFromSql, meterOwnersQuery, type MeterOwnerSqlRow } from '../../core/streams/meter-owners';
import { tariffVersionFromSql, tariffVersionsQuery, tariffVersionsTable, type TariffVersionSqlRow } from '../../core/streams/tariff-versions';

export interface RegistryTariffSync {
  /** Reads the registry now and applies it (also run once by the start). */
  refresh(): Promise<void>;
  /** How long reads of the registry have failed; 0 when fine. */
  failingForMs(): number;
  stop(): Promise<void>;
}

/**
 * Keeps the billing engine's tariff catalog in step with the versions published through the API
 * (tariff_versions), its per-meter tariff schedules with the meter registry
 * (assignTariff / registerMeter / updateMeter through the API), on top of the configured
 * assignment, and `profiles` (zone, cycle day, register modulus, maximum flow, service period,
 * owners per meter: the billing processor applies each new version to the meter's state). Starts with
 * one read, so a restarted processor bills with what the registry said before it consumes anything.
 */
export async function startRegistryTariffSync(options: { questdb: QuestdbPool; engine: BillingEngine; timeZone: string; intervalMs: number; logger: Logger; metrics?: Metrics; profiles?: Map<string, RegistryProfile> }): Promise<RegistryTariffSync> {
  const assignment = options.engine.options.assignment;
  const configured = structuredClone(assignment.meters);
  const reported = new Set<string>();
  const refresh = async () => {
    await refreshTariffs();
    const { rows } = await options.questdb.query<{ ts: Date; meter_id: string; kind: string | null; tariff_id: string }>(
      `SELECT ts, meter_id, kind, tariff_id FROM meter_registry WHERE tariff_id IS NOT NULL ORDER BY ts`,
    );
    const { schedules, refused } = registrySchedules(
      rows.map((r) => ({ ts: r.ts.getTime(), meterId: r.meter_id, kind: r.kind, tariffId: r.tariff_id })),
      latestTariffs(options.engine.tariffCatalog()),
      options.timeZone,
    );
    for (const [meterId, schedule] of schedules) assignment.meters[meterId] = mergeSchedules(configured[meterId], schedule);
    for (const { row, reason } of refused) {
      const key = `${row.meterId}@${row.ts}`;
      if (reported.has(key)) continue;
      reported.add(key);
      options.logger.warn('registry tariff not applied', { meterId: row.meterId, tariffId: row.tariffId, reason });
    }
    if (options.profiles) await refreshProfiles(options.profiles);
  };
  // Published tariff versions (publishTariff / retireTariff) over the configured tariffs.
  const refreshTariffs = async () => {
    // Definitions may be large (dated calendars): read them only when a row was added.
    const { rows: latest } = await options.questdb.query<{ latest: Date | null }>(`SELECT max(ts) latest FROM ${tariffVersionsTable.name}`);
    if ((latest[0]?.latest?.getTime() ?? 0) === options.engine.tariffCatalog().revision) return;
    const { rows } = await options.questdb.query<TariffVersionSqlRow>(tariffVersionsQuery);
    const catalog = buildTariffCatalog(options.engine.options.tariffs, rows.map(tariffVersionFromSql));
    if (catalog.revision !== options.engine.tariffCatalog().revision) options.engine.useTariffCatalog(catalog);
    for (const { record, reason } of catalog.refused) {
      const key = `${record.tariffId}@${record.publishedAt}@tariff`;
      if (reported.has(key)) continue;
      reported.add(key);
      options.logger.warn('published tariff row not applied', { tariffId: record.tariffId, publishedAt: new Date(record.publishedAt).toISOString(), reason });
    }
  };
  const refreshProfiles = async (target: Map<string, RegistryProfile>) => {
    const { rows } = await options.questdb.query<{ ts: Date; meter_id: string; time_zone: string | null; reporting_interval_s: string | number | null; register_modulus: number | null; register_multiplier: number | null; billing_cycle_day: string | number | null; max_flow_per_hour: number | null; service_start: Date | null; service_end: Date | null; customer_id: string | null }>(
      `SELECT ts, meter_id, time_zone, reporting_interval_s, register_modulus, register_multiplier, billing_cycle_day, max_flow_per_hour, service_start, service_end, customer_id FROM meter_registry LATEST ON ts PARTITION BY meter_id`,
    );
    const { rows: replaced } = await options.questdb.query<{ ts: Date; meter_id: string; old_final_register: number | null; new_initial_register: number | null; new_register_multiplier: number | null; register_unit: string | null; declared_at: Date | null }>(
      `SELECT ts, meter_id, old_final_register, new_initial_register, new_register_multiplier, register_unit, declared_at FROM meter_replacements`,
    );
    const { rows: owners } = await options.questdb.query<MeterOwnerSqlRow>(meterOwnersQuery);
    const declared = replaced.map((r) => ({ meterId: r.meter_id, at: r.ts.getTime(), oldFinalRegister: r.old_final_register, newInitialRegister: r.new_initial_register ?? 0, newRegisterMultiplier: r.new_register_multiplier, unit: r.register_unit ?? '', declaredAt: r.declared_at?.getTime() ?? r.ts.getTime() }));
    const { profiles, refused } = registryProfiles(
      rows.map((r) => ({
        ts: r.ts.getTime(),
        meterId: r.meter_id,
        timeZone: r.time_zone,
        registerModulus: r.register_modulus,
        registerMultiplier: r.register_multiplier,
        billingCycleDay: r.billing_cycle_day === null ? null : Number(r.billing_cycle_day),
        maxFlowPerHour: r.max_flow_per_hour,
        serviceStart: r.service_start?.getTime() ?? null,
        serviceEnd: r.service_end?.getTime() ?? null,
        reportingIntervalS: r.reporting_interval_s === null ? null : Number(r.reporting_interval_s),
        customerId: r.customer_id,
      })),
      declared,
      owners.map(meterOwnerFromSql),
    );
    // Replaced in place: the billing processor holds this map.
    target.clear();
    for (const [meterId, profile] of profiles) target.set(meterId, profile);
    for (const { row, reason } of refused) {
      const key = `${row.meterId}@${row.ts}@profile`;
      if (reported.has(key)) continue;
      reported.add(key);
      options.logger.warn('registry billing profile not applied', { meterId: row.meterId, reason });
    }
  };
  // Read-only and idempotent: a run repeated or lost changes nothing but how fresh the schedules are.
  const task = startScheduledTask({ name: 'registry-tariff-sync', intervalMs: options.intervalMs, run: refresh, logger: options.logger, ...(options.metrics ? { metrics: options.metrics } : {}) });
  await task.runNow().catch((error) => options.logger.warn('meter registry not read; billing uses the configured assignment until it is', { error }));
  return {
    refresh: task.runNow,
    failingForMs: task.failingForMs,
    stop: task.stop,
  };
}
