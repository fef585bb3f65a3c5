import type { ZodError } from 'zod';
import { MeterflowError } from '../../core/errors';

/** One readable error for a failed schema: every bad field by its dotted path. */
export function alertConfigError(prefix: string, error: ZodError): MeterflowError {
  const issues = error.issues.map((i) => `${[prefix, ...i.path].filter((p) => p !== '').join('.')}: ${i.message}`);
  return new MeterflowError('ALERT_CONFIG_INVALID', issues.join('; '));
}
