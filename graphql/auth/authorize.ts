import type { GraphqlContext } from '../context';
import type { Role } from './principal';
import { forbidden, notFound } from '../errors';
import type { MeterRecord } from '../meters/meter-directory';
import { validateId } from '../schema/arguments';

/** Mutations are for admins only. */
export function requireAdmin(context: Pick<GraphqlContext, 'principal'>): void {
  if (context.principal.role !== 'admin') throw forbidden(`role ${context.principal.role} may not run mutations; admin only`);
}

/** A mutation open to more roles than admin (startPayment: customers pay their own invoices). */
export function requireRole(context: Pick<GraphqlContext, 'principal'>, roles: readonly Role[], operation: string): void {
  if (!roles.includes(context.principal.role)) throw forbidden(`role ${context.principal.role} may not run ${operation}; ${roles.join(' or ')} only`);
}

/**
 * Resolves a meter the caller may read: unknown ids are NOT_FOUND, and a customer asking for
 * another customer's meter gets FORBIDDEN (not NOT_FOUND: the id space is not secret, the data is).
 */
export async function requireMeterAccess(context: GraphqlContext, meterId: string, field = 'meterId'): Promise<MeterRecord> {
  validateId(field, meterId);
  const meter = await context.meters.get(meterId);
  if (!meter) throw notFound(field, `no meter ${JSON.stringify(meterId)}`);
  if (context.principal.role === 'customer' && meter.customerId !== context.principal.customerId) {
    throw forbidden(`${field}: meter ${meterId} belongs to another customer`);
  }
  return meter;
}

/** The customer id every list query must be restricted to, or null for admins and analysts. */
export function customerScope(context: Pick<GraphqlContext, 'principal'>): string | null {
  return context.principal.role === 'customer' ? (context.principal.customerId ?? '\u0000none') : null;
}
