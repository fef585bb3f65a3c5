import type { Config } from '../core/config';
import { createKafkaTopics, type KafkaTopics } from '../core/contracts';
import type { Logger } from '../core/logger';
import type { QuestdbPgOptions } from '../core/questdb/questdb-sql';
import { readJsonFile } from '../core/config/read-json-file';
import { timeZoneVariable } from '../core/config/time-zone-variable';
import { parseBillingOptions, type BillingOptions, type BillingOptionsInput } from '../core/tariffs/billing-options';
import { defaultBillingConfig } from '../core/tariffs/default-billing-config';
import { questdbPgFromConfig } from '../core/questdb/questdb-pg-options';
import type { QueryLimits } from './context';
import { invoiceDocumentOptionsFromConfig, type InvoiceDocumentOptions } from './documents/invoice-document-options';
import { paymentOptionsFromConfig, type PaymentOptions } from './payments/payment-options';
import type { GdprOptions } from './context';

export interface AuthOptions {
  /** Inline keys `<name>:<role>[:<customerId>]=<key>` (MF_GRAPHQL_API_KEYS). */
  apiKeys: string[];
  /** JSON file of hashed keys, '' = none. */
  apiKeysFile: string;
  jwtSecret: string;
  jwksUrl: string;
  jwtIssuer: string;
  jwtAudience: string;
  roleClaim: string;
  customerClaim: string;
}

export interface ArmorOptions {
  maxDepth: number;
  maxCost: number;
  maxAliases: number;
  maxTokens: number;
  /** Most items (fields × list sizes) one operation may ask for. */
  maxListItems: number;
  /** Requests per minute per subject, 0 = unlimited. */
  rateLimitPerMinute: number;
}

export interface PolicyOptions {
  /** 0 = off. */
  debtBlockDays: number;
  overconsumptionBlock: boolean;
  intervalMs: number;
}

export interface GraphqlOptions {
  /** 0 picks a free port. */
  port: number;
  /** Interface of that port (MF_HTTP_HOST). @default 127.0.0.1 */
  host?: string;
  production: boolean;
  graphiql: boolean;
  introspection: boolean;
  questdb: { pg: QuestdbPgOptions; httpUrl: string };
  kafka: { brokers: string[]; topics: KafkaTopics };
  limits: QueryLimits;
  auth: AuthOptions;
  armor: ArmorOptions;
  meterCacheMs: number;
  /** Response cache TTL per caller, 0 = off. */
  cacheTtlMs: number;
  commands: { ttlS: number; maxWaitMs: number };
  idempotencyTtlS: number;
  /** The billing configuration's tariffs and assignment: the catalog's base (publishTariff adds versions). */
  billing: Pick<BillingOptions, 'tariffs' | 'assignment'>;
  /** Zone of a meter with none of its own in the registry (MF_BILLING_TIME_ZONE): move-in dates start at its local midnight. */
  billingTimeZone: string;
  policies: PolicyOptions;
  /** WebSocket and subscription bounds (MF_GRAPHQL_WS_MAX_PAYLOAD_BYTES, MF_GRAPHQL_SUBSCRIPTION_RECHECK_MS). */
  ws: { maxPayloadBytes: number; subscriptionRecheckMs: number };
  /** Invoice PDFs: link signing and the payee of their QR codes (MF_INVOICE_DOCUMENT_*, MF_PAYEE_*). */
  documents: InvoiceDocumentOptions;
  /** Payment intents and the provider's webhook (MF_PAYMENT_*). */
  payments: PaymentOptions;
  /** Customer data export and erasure (MF_GDPR_PSEUDONYM_KEY). */
  gdpr: GdprOptions;
  logger: Logger;
}

const day = 86_400_000;

/** All GraphQL settings, read and validated once at startup. */
export function graphqlOptionsFromConfig(config: Config, logger: Logger): GraphqlOptions {
  const production = config.string('MF_GRAPHQL_MODE') === 'production';
  const toggle = (name: string) => {
    const value = config.string(name);
    return value === 'auto' ? !production : value === 'true';
  };
  return {
    port: config.int('MF_GRAPHQL_PORT'),
    host: config.string('MF_HTTP_HOST'),
    production,
    graphiql: toggle('MF_GRAPHQL_GRAPHIQL'),
    introspection: toggle('MF_GRAPHQL_INTROSPECTION'),
    questdb: { pg: questdbPgFromConfig(config), httpUrl: config.string('MF_QUESTDB_HTTP_URL') },
    kafka: { brokers: config.list('MF_KAFKA_BROKERS'), topics: createKafkaTopics(config.string('MF_KAFKA_TOPIC_PREFIX'), config.int('MF_KAFKA_PARTITIONS')) },
    limits: {
      maxRows: config.int('MF_GRAPHQL_MAX_ROWS'),
      maxPageSize: config.int('MF_GRAPHQL_MAX_PAGE_SIZE'),
      maxRangeMs: config.int('MF_GRAPHQL_MAX_RANGE_DAYS') * day,
    },
    auth: {
      apiKeys: config.string('MF_GRAPHQL_API_KEYS').split(',').map((s) => s.trim()).filter(Boolean),
      apiKeysFile: config.string('MF_GRAPHQL_API_KEYS_FILE'),
      jwtSecret: config.string('MF_GRAPHQL_JWT_SECRET'),
      jwksUrl: config.string('MF_GRAPHQL_JWKS_URL'),
      jwtIssuer: config.string('MF_GRAPHQL_JWT_ISSUER'),
      jwtAudience: config.string('MF_GRAPHQL_JWT_AUDIENCE'),
      roleClaim: config.string('MF_GRAPHQL_JWT_ROLE_CLAIM'),
      customerClaim: config.string('MF_GRAPHQL_JWT_CUSTOMER_CLAIM'),
    },
    armor: {
      maxDepth: config.int('MF_GRAPHQL_MAX_DEPTH'),
      maxCost: config.int('MF_GRAPHQL_MAX_COST'),
      maxAliases: config.int('MF_GRAPHQL_MAX_ALIASES'),
      maxTokens: config.int('MF_GRAPHQL_MAX_TOKENS'),
      maxListItems: config.int('MF_GRAPHQL_MAX_LIST_ITEMS'),
      rateLimitPerMinute: config.int('MF_GRAPHQL_RATE_LIMIT'),
    },
    meterCacheMs: config.int('MF_GRAPHQL_METER_CACHE_MS'),
    cacheTtlMs: config.int('MF_GRAPHQL_CACHE_TTL_MS'),
    commands: { ttlS: config.int('MF_GRAPHQL_COMMAND_TTL_S'), maxWaitMs: config.int('MF_GRAPHQL_MAX_WAIT_MS') },
    idempotencyTtlS: config.int('MF_GRAPHQL_IDEMPOTENCY_TTL_S'),
    // The same file the processors bill with, validated the same way (errors name the field).
    billing: parseBillingOptions((readJsonFile('MF_BILLING_CONFIG_FILE', config.string('MF_BILLING_CONFIG_FILE')) as BillingOptionsInput | undefined) ?? defaultBillingConfig),
    billingTimeZone: timeZoneVariable('MF_BILLING_TIME_ZONE', config.string('MF_BILLING_TIME_ZONE')),
    ws: { maxPayloadBytes: config.int('MF_GRAPHQL_WS_MAX_PAYLOAD_BYTES'), subscriptionRecheckMs: config.int('MF_GRAPHQL_SUBSCRIPTION_RECHECK_MS') },
    policies: {
      debtBlockDays: config.int('MF_POLICY_DEBT_BLOCK_DAYS'),
      overconsumptionBlock: config.bool('MF_POLICY_OVERCONSUMPTION_BLOCK'),
      intervalMs: config.int('MF_POLICY_INTERVAL_MS'),
    },
    documents: invoiceDocumentOptionsFromConfig(config),
    payments: paymentOptionsFromConfig(config),
    gdpr: { pseudonymKey: config.string('MF_GDPR_PSEUDONYM_KEY') },
    logger,
  };
}
