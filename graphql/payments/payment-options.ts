import { ConfigError } from '../../core/config/config-error';
import type { Config } from '../../core/config/load-config';

/** Settings of customer payments (docs/payments.md). */
export interface PaymentOptions {
  /** Key the provider signs webhook confirmations with (MF_PAYMENT_WEBHOOK_SECRET). */
  webhookSecret: string;
  /** Replay window, seconds either side of the server clock (MF_PAYMENT_WEBHOOK_TOLERANCE_S). @default 300 */
  webhookToleranceS: number;
  /** How long an intent stays open (MF_PAYMENT_INTENT_TTL_S). @default 86400 */
  intentTtlS: number;
}

/** Read and validated once at startup (bounds in env-spec); production refuses the default secret (core/config/production-mode.ts). */
export function paymentOptionsFromConfig(config: Config): PaymentOptions {
  const webhookSecret = config.string('MF_PAYMENT_WEBHOOK_SECRET');
  if (webhookSecret === '') throw new ConfigError('CONFIG_INVALID', 'MF_PAYMENT_WEBHOOK_SECRET', 'MF_PAYMENT_WEBHOOK_SECRET must not be empty: it is the key of the payment webhook\'s signatures');
  return {
    webhookSecret,
    webhookToleranceS: config.int('MF_PAYMENT_WEBHOOK_TOLERANCE_S'),
    intentTtlS: config.int('MF_PAYMENT_INTENT_TTL_S'),
  };
}
