import { writeTableRow } from '../../../core/questdb/write-table-row';
import { meterRegistrationToRow } from '../../../core/streams/meter-registry';
import type { GraphqlContext } from '../../context';
import { conflict, notFound } from '../../errors';
import type { MeterRecord } from '../../meters/meter-directory';

/** Writes the record as a new registry row (history is kept) and serves it at once from memory. */
export async function saveRecord(context: GraphqlContext, record: MeterRecord, changedBy: string): Promise<MeterRecord> {
  const changedAt = Math.max(Date.now(), (record.updatedAt?.getTime() ?? 0) + 1);
  const saved: MeterRecord = { ...record, updatedAt: new Date(changedAt), registeredAt: record.registeredAt ?? new Date(changedAt) };
  const row = meterRegistrationToRow({
    meterId: saved.meterId,
    kind: saved.kind,
    sector: saved.sector || null,
    customerId: saved.customerId || null,
    timeZone: saved.timeZone || null,
    reportingIntervalS: saved.reportingIntervalS,
    tariffId: saved.tariffId || null,
    label: saved.label,
    registeredAt: saved.registeredAt!.getTime(),
    changedAt,
    changedBy,
    registerModulus: saved.billing.registerModulus,
    registerMultiplier: saved.billing.registerMultiplier,
    billingCycleDay: saved.billing.billingCycleDay,
    maxFlowPerHour: saved.billing.maxFlowPerHour,
    serviceStart: saved.billing.serviceStart?.getTime() ?? null,
    serviceEnd: saved.billing.serviceEnd?.getTime() ?? null,
  });
  await context.mutations.write((w) => writeTableRow(w, row));
  context.meters.remember(saved);
  return saved;
}

/** The meter's registry record; NOT_FOUND or CONFLICT (seen in readings, never registered) naming meterId. */
export async function requireRegistered(context: GraphqlContext, meterId: string): Promise<MeterRecord> {
  const meter = await context.meters.get(meterId);
  if (!meter) throw notFound('meterId', `no meter ${JSON.stringify(meterId)}`);
  if (!meter.registeredAt) throw conflict('meterId', `meter ${meterId} reports readings but is not registered (use registerMeter)`);
  return meter;
}
