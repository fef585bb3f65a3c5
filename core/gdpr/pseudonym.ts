import { createHmac } from 'node:crypto';

/**
 * The keyed pseudonym that replaces an erased customer's id in what the law makes us keep
 * (invoices, payments, owner history, the audit log): `erased-` + the first 24 hex digits of
 * HMAC-SHA256(key, customer id). The same customer always gets the same pseudonym, so their
 * invoices and payments still add up per payer; without MF_GDPR_PSEUDONYM_KEY nobody can tell
 * which customer it was, and with it one can only check a given id, not list them back.
 */
export function customerPseudonym(key: string, customerId: string): string {
  if (key.length === 0) throw new Error('customerPseudonym: the key is empty');
  return `erased-${createHmac('sha256', key).update(`customer\n${customerId}`).digest('hex').slice(0, 24)}`;
}

/** Whether an id is a pseudonym this module makes (an erased customer). */
export const isPseudonym = (id: string): boolean => /^erased-[0-9a-f]{24}$/.test(id);

/** The meter id rows of erased measurements are moved to: no meter's history shows them again. */
export const erasedMeterId = 'erased';
