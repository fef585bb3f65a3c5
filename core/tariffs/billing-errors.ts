import type { ZodError } from 'zod';
import { MeterflowError } from '../errors';

/** `tou.periods[0].blocks[1].upTo` from a zod issue path. */
export function formatPath(prefix: string, path: ReadonlyArray<string | number>): string {
  let out = prefix;
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : out === '' ? key : `.${key}`;
  return out;
}

/** One error for all of a zod failure; each issue names its field. */
export function billingConfigError(prefix: string, error: ZodError): MeterflowError {
  const issues = error.issues.map((i) => `${formatPath(prefix, i.path) || prefix || '(root)'}: ${i.message}`);
  return new MeterflowError('BILLING_CONFIG_INVALID', issues.join('; '), { cause: error });
}

export function invalidBilling(field: string, message: string): MeterflowError {
  return new MeterflowError('BILLING_CONFIG_INVALID', `${field}: ${message}`);
}
