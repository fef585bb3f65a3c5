import { meterKinds, type MeterKind } from '../../../core/contracts';
import { maxTimestampMs } from '../../../core/contracts/reading-ranges';
import { defaultMaxRegister, maxRegisterMultiplier } from '../../../core/tariffs/billing-options';
import { badInput } from '../../errors';
import { validateId } from '../arguments';
import { isTimeZone } from '../readings/time-zone';

export interface MeterInput {
  kind?: MeterKind | null;
  sector?: string | null;
  customerId?: string | null;
  timeZone?: string | null;
  reportingIntervalS?: number | null;
  tariffId?: string | null;
  label?: string | null;
  registerModulus?: number | null;
  registerMultiplier?: number | null;
  billingCycleDay?: number | null;
  maxFlowPerHour?: number | null;
  serviceStart?: Date | null;
  serviceEnd?: Date | null;
}


/** Checks every field of a MeterInput; the error names it as input.<field>. */
export function validateMeterInput(input: MeterInput): void {
  if (input.kind != null && !meterKinds.includes(input.kind)) throw badInput('input.kind', `must be one of ${meterKinds.join(', ')}`);
  if (input.sector != null) validateId('input.sector', input.sector);
  if (input.customerId != null) validateId('input.customerId', input.customerId);
  if (input.tariffId != null) validateId('input.tariffId', input.tariffId);
  if (input.timeZone != null && !isTimeZone(input.timeZone)) throw badInput('input.timeZone', `unknown IANA time zone ${JSON.stringify(input.timeZone)}`);
  if (input.reportingIntervalS != null && (!Number.isInteger(input.reportingIntervalS) || input.reportingIntervalS < 1 || input.reportingIntervalS > 31 * 86_400)) {
    throw badInput('input.reportingIntervalS', 'must be between 1 and 2678400 seconds');
  }
  if (input.label != null && input.label.length > 200) throw badInput('input.label', 'must be at most 200 characters');
  // Billing's limits (core/tariffs/billing-options.ts meterProfileSchema), checked here so a bad value never reaches the processors.
  if (input.registerModulus != null && (!Number.isFinite(input.registerModulus) || input.registerModulus <= 0 || input.registerModulus > defaultMaxRegister)) {
    throw badInput('input.registerModulus', 'must be a register modulus above 0 and at most 1e12 (e.g. 1000000 for a 6-digit litre register)');
  }
  if (input.registerMultiplier != null) validateRegisterMultiplier('input.registerMultiplier', input.registerMultiplier);
  if (input.billingCycleDay != null && (!Number.isInteger(input.billingCycleDay) || input.billingCycleDay < 1 || input.billingCycleDay > 28)) {
    throw badInput('input.billingCycleDay', 'must be a day of the month from 1 to 28 (29-31 do not exist in every month)');
  }
  if (input.maxFlowPerHour != null && (!Number.isFinite(input.maxFlowPerHour) || input.maxFlowPerHour <= 0 || input.maxFlowPerHour > defaultMaxRegister)) {
    throw badInput('input.maxFlowPerHour', 'must be above 0 (register units per hour) and at most 1e12');
  }
  for (const field of ['serviceStart', 'serviceEnd'] as const) {
    const t = input[field]?.getTime();
    if (t !== undefined && (t < 0 || t > maxTimestampMs)) throw badInput(`input.${field}`, 'is outside the range a timestamp can be stored with');
  }
}

/** A register multiplier (billing-options meterProfileSchema's limits); the error names `field`. */
export function validateRegisterMultiplier(field: string, value: number): void {
  if (!Number.isFinite(value) || value <= 0 || value > maxRegisterMultiplier) {
    throw badInput(field, `must be above 0 and at most ${maxRegisterMultiplier} (consumption per register unit: a CT ratio such as 40 for 200:5, a pulse weight)`);
  }
}

/** serviceEnd after serviceStart, on the record as it will be saved. */
export function validateServicePeriod(start: Date | null, end: Date | null): void {
  if (start && end && end.getTime() <= start.getTime()) throw badInput('input.serviceEnd', 'must be after serviceStart');
}
