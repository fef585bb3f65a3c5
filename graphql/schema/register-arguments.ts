import { defaultUnits } from '../../core/contracts';
import { maxTimestampMs } from '../../core/contracts/reading-ranges';
import { defaultMaxRegister } from '../../core/tariffs/billing-options';
import { unitFactor } from '../../core/units/units';
import { maxNoteLength } from '../commands/command-record';
import type { GraphqlContext } from '../context';
import { badInput, notFound } from '../errors';
import type { MeterRecord } from '../meters/meter-directory';
import { validateId } from './arguments';

// Argument checks of the mutations that state a register value (recordMeterRead,
// acceptMeterRead, replaceMeterRegister); each failure names its argument.

/** A register value may be stamped this far ahead of this server's clock (the admin's device clock), not more. */
const maxFutureMs = 5 * 60_000;

/** The meter, known and with a register, and its kind's register unit. */
export async function registerMeterOf(context: GraphqlContext, meterId: string): Promise<MeterRecord & { registerUnit: string }> {
  validateId('meterId', meterId);
  const meter = await context.meters.get(meterId);
  if (!meter) throw notFound('meterId', `no meter ${JSON.stringify(meterId)}`);
  const registerUnit = defaultUnits[meter.kind].register;
  if (!registerUnit) throw badInput('meterId', `a ${meter.kind} meter has no register`);
  return { ...meter, registerUnit };
}

/** The unit given (else the meter's register unit), if it converts to the meter's register unit. */
export function registerUnitOf(meter: MeterRecord & { registerUnit: string }, unit: string | null | undefined): string {
  const chosen = unit ?? meter.registerUnit;
  if (unitFactor(chosen, meter.registerUnit) === null) throw badInput('unit', `"${chosen}" does not convert to ${meter.registerUnit}, the register unit of a ${meter.kind} meter`);
  return chosen;
}

/** 0 to billing's plausibility ceiling (docs/billing.md, maxRegister). */
export function validateRegisterValue(field: string, value: number): void {
  if (!Number.isFinite(value) || value < 0 || value > defaultMaxRegister) throw badInput(field, `must be between 0 and ${defaultMaxRegister}`);
}

/** An instant a reading can be stored with, not in the future; its epoch ms. */
export function validateRegisterInstant(field: string, at: Date): number {
  const ts = at.getTime();
  if (!Number.isSafeInteger(ts) || ts < 0 || ts > maxTimestampMs) throw badInput(field, 'is outside the range a reading can be stored with');
  if (ts > Date.now() + maxFutureMs) throw badInput(field, 'is in the future');
  return ts;
}

export function validateNote(note: string | null | undefined): void {
  if (note != null && note.length > maxNoteLength) throw badInput('note', `must be at most ${maxNoteLength} characters`);
}

/**
 * Through mutation support (admin check, audit, idempotency) for a change to one meter whose
 * result carries an instant `at`: the audit log keeps it as an ISO string, a retry gets it back as a Date.
 */
export function runMeterChange<T extends { at: Date }>(operation: string, args: { meterId: string; idempotencyKey?: string | null }, context: GraphqlContext, execute: () => Promise<T>): Promise<T> {
  return context.mutations.run(
    context,
    {
      operation,
      target: args.meterId,
      args,
      idempotencyKey: args.idempotencyKey ?? null,
      toRecord: (result: T) => ({ ...result, at: result.at.toISOString() }),
      fromRecord: async (record) => {
        const r = record as Omit<T, 'at'> & { at: string };
        return { ...r, at: new Date(r.at) } as unknown as T;
      },
    },
    execute,
  );
}
