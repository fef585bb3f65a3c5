import { loadConfig } from '../../../../core/config';
import { ConfigError } from '../../../../core/config/config-error';
import { payeeFromConfig } from '../../../../core/payments/payee';

const configOf = (env: Record<string, string>) => loadConfig({ ...env });

function variableOf(env: Record<string, string>): string {
  try {
    payeeFromConfig(configOf(env));
  } catch (error) {
    if (error instanceof ConfigError) return `${error.variable}: ${error.message}`;
    throw error;
  }
  return 'accepted';
}

describe('payeeFromConfig', () => {
  it('is off for every scheme by default', () => {
    expect(payeeFromConfig(configOf({}))).toEqual({ pix: null, sepa: null, urlTemplate: null });
  });

  it('reads each scheme, normalizing the IBAN', () => {
    const payee = payeeFromConfig(
      configOf({ MF_PAYEE_PIX_KEY: 'contas@example.com.br', MF_PAYEE_PIX_NAME: 'SANEAMENTO', MF_PAYEE_PIX_CITY: 'SAO PAULO', MF_PAYEE_IBAN: 'de89 3704 0044 0532 0130 00', MF_PAYEE_SEPA_NAME: 'Stadtwerke', MF_PAYEE_URL_TEMPLATE: 'https://pay.example.com/{invoiceId}' }),
    );
    expect(payee).toEqual({
      pix: { key: 'contas@example.com.br', merchantName: 'SANEAMENTO', merchantCity: 'SAO PAULO' },
      sepa: { iban: 'DE89370400440532013000', bic: '', beneficiaryName: 'Stadtwerke' },
      urlTemplate: 'https://pay.example.com/{invoiceId}',
    });
  });

  it.each([
    [{ MF_PAYEE_PIX_KEY: 'k@example.com', MF_PAYEE_PIX_CITY: 'SAO PAULO' }, 'MF_PAYEE_PIX_NAME: MF_PAYEE_PIX_NAME must be set'],
    [{ MF_PAYEE_PIX_KEY: 'k@example.com', MF_PAYEE_PIX_NAME: 'N', MF_PAYEE_PIX_CITY: 'SAO PAULO DO SUL DE MINAS' }, 'MF_PAYEE_PIX_CITY: MF_PAYEE_PIX_CITY must be 1-15 characters'],
    [{ MF_PAYEE_PIX_KEY: 'k@example.com', MF_PAYEE_PIX_NAME: 'JOÃO', MF_PAYEE_PIX_CITY: 'RIO' }, 'MF_PAYEE_PIX_NAME: MF_PAYEE_PIX_NAME must be printable ASCII'],
    [{ MF_PAYEE_PIX_NAME: 'N' }, 'MF_PAYEE_PIX_KEY: MF_PAYEE_PIX_KEY must be set'],
    [{ MF_PAYEE_IBAN: 'DE89370400440532013001', MF_PAYEE_SEPA_NAME: 'S' }, 'MF_PAYEE_IBAN: MF_PAYEE_IBAN is not a valid IBAN'],
    [{ MF_PAYEE_IBAN: 'DE89370400440532013000', MF_PAYEE_SEPA_NAME: 'S', MF_PAYEE_BIC: 'BAD' }, 'MF_PAYEE_BIC: MF_PAYEE_BIC must be 8 or 11 characters'],
    [{ MF_PAYEE_IBAN: 'DE89370400440532013000' }, 'MF_PAYEE_SEPA_NAME: MF_PAYEE_SEPA_NAME must be set'],
    [{ MF_PAYEE_URL_TEMPLATE: 'https://pay.example.com/{amount}' }, 'MF_PAYEE_URL_TEMPLATE: MF_PAYEE_URL_TEMPLATE must name the invoice'],
  ])('refuses %j naming the variable', (env, expected) => {
    expect(variableOf(env)).toContain(expected);
  });
});
