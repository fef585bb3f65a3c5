import { meterKinds, type MeterKind } from '../../../core/contracts';
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
}
