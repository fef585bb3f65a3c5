import { writeTableRow } from '../../../core/questdb/write-table-row';
import { meterReplacementToRow } from '../../../core/streams/meter-replacements';
import type { GraphqlContext } from '../../context';
import { badInput, conflict, notFound } from '../../errors';
import type { MeterRecord } from '../../meters/meter-directory';
import { unregisteredMeter } from '../../meters/merge-meter-records';
import { validateId } from '../arguments';
import { validateAssignableTariff } from '../tariffs/resolvers';
import { registerMeterOf, registerUnitOf, runMeterChange, validateNote, validateRegisterInstant, validateRegisterValue } from '../register-arguments';
import { validateMeterInput, validateRegisterMultiplier, validateServicePeriod, type MeterInput } from './meter-input';
import { requireRegistered, saveRecord } from './registry-records';

interface RegistryArgs {
  meterId: string;
  input: MeterInput;
  idempotencyKey?: string | null;
}


/** Audit, idempotency and admin check of a registry mutation; the audit keeps the meter id. */
function registryMutation(operation: string, args: { meterId: string; idempotencyKey?: string | null }, context: GraphqlContext, execute: () => Promise<MeterRecord>): Promise<MeterRecord> {
  return context.mutations.run(
    context,
    {
      operation,
      target: args.meterId,
      args,
      idempotencyKey: args.idempotencyKey ?? null,
      toRecord: (meter: MeterRecord) => ({ meterId: meter.meterId }),
      fromRecord: async (record) => {
        const meter = await context.meters.get((record as { meterId: string }).meterId);
        if (!meter) throw notFound('meterId', 'the meter of this earlier request is no longer known');
        return meter;
      },
    },
    execute,
  );
}

/** An omitted field keeps its value; null clears it. */
const keep = <T>(given: T | null | undefined, current: T | null): T | null => (given === undefined ? current : given);

function merge(current: MeterRecord, input: MeterInput): MeterRecord {
  const pick = <K extends keyof MeterInput>(key: K, fallback: MeterRecord[K & keyof MeterRecord]) => (input[key] === undefined ? fallback : (input[key] ?? null));
  return {
    ...current,
    sector: pick('sector', current.sector) as string | null,
    customerId: pick('customerId', current.customerId) as string | null,
    timeZone: pick('timeZone', current.timeZone) as string | null,
    reportingIntervalS: pick('reportingIntervalS', current.reportingIntervalS) as number | null,
    tariffId: pick('tariffId', current.tariffId) as string | null,
    label: pick('label', current.label) as string | null,
    billing: {
      registerModulus: keep(input.registerModulus, current.billing.registerModulus),
      registerMultiplier: keep(input.registerMultiplier, current.billing.registerMultiplier),
      billingCycleDay: keep(input.billingCycleDay, current.billing.billingCycleDay),
      maxFlowPerHour: keep(input.maxFlowPerHour, current.billing.maxFlowPerHour),
      serviceStart: keep(input.serviceStart, current.billing.serviceStart),
      serviceEnd: keep(input.serviceEnd, current.billing.serviceEnd),
    },
  };
}

interface ReplacementArgs {
  meterId: string;
  at: Date;
  oldFinalRegister?: number | null;
  newInitialRegister?: number | null;
  unit?: string | null;
  newRegisterMultiplier?: number | null;
  note?: string | null;
  idempotencyKey?: string | null;
}

interface ReplacementView {
  meterId: string;
  at: Date;
  oldFinalRegister: number | null;
  newInitialRegister: number;
  unit: string;
  newRegisterMultiplier: number | null;
}

async function replaceMeterRegister(args: ReplacementArgs, context: GraphqlContext): Promise<ReplacementView> {
  const meter = await registerMeterOf(context, args.meterId);
  const at = validateRegisterInstant('at', args.at);
  if (args.oldFinalRegister != null) validateRegisterValue('oldFinalRegister', args.oldFinalRegister);
  const newInitial = args.newInitialRegister ?? 0;
  validateRegisterValue('newInitialRegister', newInitial);
  const unit = registerUnitOf(meter, args.unit);
  const newMultiplier = args.newRegisterMultiplier ?? null;
  if (newMultiplier !== null) validateRegisterMultiplier('newRegisterMultiplier', newMultiplier);
  validateNote(args.note);
  const row = meterReplacementToRow({ meterId: meter.meterId, at, oldFinalRegister: args.oldFinalRegister ?? null, newInitialRegister: newInitial, registerUnit: unit, newRegisterMultiplier: newMultiplier, note: args.note ?? null, declaredBy: context.principal.subject, declaredAt: Date.now() });
  await context.mutations.write((w) => writeTableRow(w, row));
  return { meterId: meter.meterId, at: args.at, oldFinalRegister: args.oldFinalRegister ?? null, newInitialRegister: newInitial, unit, newRegisterMultiplier: newMultiplier };
}

export const meterRegistryResolvers = {
  Mutation: {
    replaceMeterRegister: (_: unknown, args: ReplacementArgs, context: GraphqlContext) => runMeterChange('replaceMeterRegister', args, context, () => replaceMeterRegister(args, context)),
    registerMeter: (_: unknown, args: RegistryArgs, context: GraphqlContext) =>
      registryMutation('registerMeter', args, context, async () => {
        validateId('meterId', args.meterId);
        validateMeterInput(args.input);
        if (!args.input.kind) throw badInput('input.kind', 'is required to register a meter');
        const existing = await context.meters.get(args.meterId);
        if (existing?.registeredAt) throw conflict('meterId', `meter ${args.meterId} is already registered (use updateMeter)`);
        if (existing && existing.kind !== args.input.kind) throw badInput('input.kind', `meter ${args.meterId} reports as ${existing.kind}`);
        if (args.input.tariffId != null) await validateAssignableTariff(context, 'input.tariffId', args.input.tariffId, args.input.kind);
        const blank = unregisteredMeter(args.meterId, args.input.kind, existing?.sector ?? null, existing?.lastSeenAt ?? null);
        const record = merge(blank, args.input);
        validateServicePeriod(record.billing.serviceStart, record.billing.serviceEnd);
        return saveRecord(context, record, context.principal.subject);
      }),
    updateMeter: (_: unknown, args: RegistryArgs, context: GraphqlContext) =>
      registryMutation('updateMeter', args, context, async () => {
        validateId('meterId', args.meterId);
        validateMeterInput(args.input);
        const current = await requireRegistered(context, args.meterId);
        if (args.input.kind != null && args.input.kind !== current.kind) throw badInput('input.kind', 'a meter\'s kind cannot change (register a new meter)');
        if (args.input.tariffId != null) await validateAssignableTariff(context, 'input.tariffId', args.input.tariffId, current.kind);
        const record = merge(current, args.input);
        validateServicePeriod(record.billing.serviceStart, record.billing.serviceEnd);
        return saveRecord(context, record, context.principal.subject);
      }),
    assignTariff: (_: unknown, args: { meterId: string; tariffId: string; idempotencyKey?: string | null }, context: GraphqlContext) =>
      registryMutation('assignTariff', args, context, async () => {
        validateId('meterId', args.meterId);
        validateId('tariffId', args.tariffId);
        const current = await requireRegistered(context, args.meterId);
        await validateAssignableTariff(context, 'tariffId', args.tariffId, current.kind);
        return saveRecord(context, { ...current, tariffId: args.tariffId }, context.principal.subject);
      }),
  },
};
