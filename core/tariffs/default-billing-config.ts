import type { BillingOptionsInput } from './billing-options';

/**
 * Used when MF_BILLING_CONFIG_FILE is not set: water meters on SABESP's 2017 residential
 * tariff (0–10 m³ flat R$24,15; 11–20 m³ R$3,78/m³; 21–50 m³ R$9,44/m³; above
 * 50 m³ R$10,40/m³). A real deployment lists its own tariffs and assignment (docs/billing.md).
 */
export const defaultBillingConfig: BillingOptionsInput = {
  tariffs: [
    {
      id: 'sabesp-res-2017',
      name: 'SABESP residencial 2017',
      currency: 'BRL',
      unit: 'm3',
      blocks: [
        { upTo: 10, flatAmount: 24.15 },
        { upTo: 20, rate: 3.78 },
        { upTo: 50, rate: 9.44 },
        { upTo: null, rate: 10.4 },
      ],
    },
  ],
  assignment: { default: 'sabesp-res-2017' },
};
