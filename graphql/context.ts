import type { Logger } from '../core/logger';
import type { TariffAssignment } from '../core/tariffs/tariff-assignment';
import type { TariffCatalogReader } from './billing/tariff-catalog-reader';
import type { QuestdbPool } from '../core/questdb/questdb-sql';
import type { Principal } from './auth/principal';
import type { CommandService } from './commands/command-service';
import type { CustomerDataExports } from './documents/customer-data-exports';
import type { InvoiceDocuments } from './documents/invoice-documents';
import type { LiveFeed } from './live/live-feed';
import type { ManualReadSender } from './meter-reads/manual-read-sender';
import type { MeterDirectory } from './meters/meter-directory';
import type { MutationSupport } from './mutations/mutation-support';
import type { PaymentIntents } from './payments/payment-intents';
import type { RecentWriteCaches } from './mutations/recent-write-caches';

/** Bounds every query is held to (validated per argument, errors name the argument). */
export interface QueryLimits {
  /** Largest raw-readings `limit`. */
  maxRows: number;
  /** Largest page of other lists. */
  maxPageSize: number;
  /** Longest to - from. */
  maxRangeMs: number;
}

/** GDPR settings (docs/gdpr.md). */
export interface GdprOptions {
  /** MF_GDPR_PSEUDONYM_KEY. */
  pseudonymKey: string;
}

/** Long-lived services shared by every request. */
export interface GraphqlServices {
  questdb: QuestdbPool;
  limits: QueryLimits;
  meters: MeterDirectory;
  commands: CommandService;
  live: LiveFeed;
  mutations: MutationSupport;
  /** Puts admins' register reads on the readings topic (recordMeterRead, acceptMeterRead). */
  manualReads: ManualReadSender;
  /** What this server wrote that QuestDB may not show yet (read-your-writes), bounded. */
  recentWrites: RecentWriteCaches;
  /** The configured tariffs with the versions published through the API: what assignTariff may name. */
  tariffs: TariffCatalogReader;
  /** The configuration's tariff assignment (default, sectors, meters): retireTariff checks it. */
  tariffAssignment: TariffAssignment;
  /** Zone of meters without one in the registry (MF_BILLING_TIME_ZONE). */
  billingTimeZone: string;
  /** How often an open subscription re-checks its caller's access (MF_GRAPHQL_SUBSCRIPTION_RECHECK_MS). */
  subscriptionRecheckMs: number;
  /** Settings of the command mutations. */
  commandSettings: { ttlS: number; maxWaitMs: number };
  /** Invoice PDFs: signed links (Invoice.document) and the route serving them. */
  documents: InvoiceDocuments;
  /** Customer data exports (exportCustomerData): signed links and the route serving them. */
  customerExports: CustomerDataExports;
  /** Erasure (eraseCustomerData): the pseudonym key and the zone of meters without one. */
  gdpr: GdprOptions;
  /** Customers' payment intents (startPayment) and the payee their payloads pay. */
  paymentIntents: PaymentIntents;
  logger: Logger;
}

/** What every resolver receives. */
export interface GraphqlContext extends GraphqlServices {
  principal: Principal;
}
