import { ConfigError } from '../config/config-error';
import type { Config } from '../config/load-config';
import { isMeterflowError } from '../errors';
import { epcPayload } from './epc-payload';
import { checkPaymentUrlTemplate } from './payment-url';
import { pixPayload } from './pix-payload';

/** Who invoices are paid to: one entry per scheme, null = that scheme is off. */
export interface Payee {
  pix: { key: string; merchantName: string; merchantCity: string } | null;
  sepa: { iban: string; bic: string; beneficiaryName: string } | null;
  urlTemplate: string | null;
}

export const noPayee: Payee = { pix: null, sepa: null, urlTemplate: null };

// The variable each builder field comes from, so an error names what to fix.
const pixVariables = { key: 'MF_PAYEE_PIX_KEY', merchantName: 'MF_PAYEE_PIX_NAME', merchantCity: 'MF_PAYEE_PIX_CITY' } as const;
const sepaVariables = { iban: 'MF_PAYEE_IBAN', bic: 'MF_PAYEE_BIC', beneficiaryName: 'MF_PAYEE_SEPA_NAME' } as const;

/**
 * The payee from MF_PAYEE_*, validated once at startup by building a payload with each scheme:
 * a scheme is on when its first variable (the PIX key, the IBAN) is set, and then its other
 * required variables must be set too. Throws ConfigError CONFIG_INVALID naming the variable.
 */
export function payeeFromConfig(config: Pick<Config, 'string'>): Payee {
  const pick = <K extends string>(variables: Record<K, string>) => Object.fromEntries(Object.entries(variables).map(([field, name]) => [field, config.string(name as string).trim()])) as Record<K, string>;
  const pix = pick(pixVariables);
  const sepa = pick(sepaVariables);
  const urlTemplate = config.string('MF_PAYEE_URL_TEMPLATE').trim();
  const payee: Payee = {
    pix: pix.key ? pix : null,
    sepa: sepa.iban ? { ...sepa, iban: sepa.iban.replace(/\s+/g, '').toUpperCase(), bic: sepa.bic.toUpperCase() } : null,
    urlTemplate: urlTemplate || null,
  };
  if (payee.pix) {
    requireSet(pixVariables, pix, ['merchantName', 'merchantCity'], 'MF_PAYEE_PIX_KEY');
    named(pixVariables, 'MF_PAYEE_PIX_KEY', () => pixPayload({ ...payee.pix!, amountCents: 1, txid: '***' }));
  } else if (pix.merchantName || pix.merchantCity) {
    throw new ConfigError('CONFIG_INVALID', 'MF_PAYEE_PIX_KEY', 'MF_PAYEE_PIX_KEY must be set when MF_PAYEE_PIX_NAME or MF_PAYEE_PIX_CITY is (PIX payments need the receiver\'s key)');
  }
  if (payee.sepa) {
    requireSet(sepaVariables, sepa, ['beneficiaryName'], 'MF_PAYEE_IBAN');
    named(sepaVariables, 'MF_PAYEE_IBAN', () => epcPayload({ ...payee.sepa!, amountCents: 1 }));
  } else if (sepa.bic || sepa.beneficiaryName) {
    throw new ConfigError('CONFIG_INVALID', 'MF_PAYEE_IBAN', 'MF_PAYEE_IBAN must be set when MF_PAYEE_BIC or MF_PAYEE_SEPA_NAME is (SEPA transfers need the beneficiary\'s IBAN)');
  }
  if (payee.urlTemplate) named({ template: 'MF_PAYEE_URL_TEMPLATE' }, 'MF_PAYEE_URL_TEMPLATE', () => checkPaymentUrlTemplate(payee.urlTemplate!));
  return payee;
}

function requireSet<K extends string>(variables: Record<K, string>, values: Record<K, string>, fields: K[], because: string): void {
  for (const field of fields) {
    if (!values[field]) throw new ConfigError('CONFIG_INVALID', variables[field], `${variables[field]} must be set when ${because} is`);
  }
}

// A builder's PAYMENT_PAYLOAD_INVALID ("pix.merchantCity: …") as a ConfigError naming the variable.
function named(variables: Record<string, string>, fallback: string, build: () => unknown): void {
  try {
    build();
  } catch (error) {
    if (!isMeterflowError(error, 'PAYMENT_PAYLOAD_INVALID')) throw error;
    const field = /^\w+\.(\w+):/.exec(error.message)?.[1] ?? '';
    const variable = variables[field] ?? fallback;
    throw new ConfigError('CONFIG_INVALID', variable, `${variable} ${error.message.replace(/^\w+\.\w+:\s*/, '')}`);
  }
}
