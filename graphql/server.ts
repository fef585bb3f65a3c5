import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { questdbTables } from '../core/contracts';
import { createQuestdbPool, ensureTables } from '../core/questdb/questdb-sql';
import { createAuthenticator } from './auth/authenticate';
import { createSecurityPlugins } from './auth/security-plugins';
import { createCommandService } from './commands/create-command-service';
import type { GraphqlServices } from './context';
import type { GraphqlOptions } from './graphql-options';
import { createCustomerDataExports } from './documents/customer-data-exports';
import { createInvoiceDocuments } from './documents/invoice-documents';
import { createLiveFeed } from './live/create-live-feed';
import { createTariffCatalogReader } from './billing/tariff-catalog-reader';
import { createManualReadSender } from './meter-reads/manual-read-sender';
import { createMeterDirectory } from './meters/meter-directory';
import { createMutationSupport } from './mutations/create-mutation-support';
import { createRecentWriteCaches } from './mutations/recent-write-caches';
import { confirmPayment } from './payments/confirm-payment';
import { createPaymentIntents } from './payments/payment-intents';
import { createPaymentWebhook } from './payments/payment-webhook';
import { startPolicyTurns } from './policies/policy-turns';
import { startPolicies, type Policies } from './policies/start-policies';
import { attachGraphqlWs } from './ws-subscriptions';
import { createMeterflowYoga } from './yoga';

export interface GraphqlServer {
  url: string;
  port: number;
  services: GraphqlServices;
  /** The auto-block policies (tests call runOnce instead of waiting for the interval). */
  policies: Policies;
  stop(): Promise<void>;
}

/** GraphQL over HTTP (and SSE subscriptions) at /graphql, /health from yoga, invoice documents at /documents/invoices/, customer data exports at /documents/customer-exports/, the payment webhook at /payments/webhook. */
export async function startGraphqlServer(options: GraphqlOptions): Promise<GraphqlServer> {
  const log = options.logger;
  // Credentials first: a misconfigured production server stops before it touches anything.
  const authenticator = await createAuthenticator({ ...options.auth, production: options.production, logger: log.child('auth') });
  const questdb = createQuestdbPool(options.questdb.pg);
  await ensureTables(questdb, [
    questdbTables.readings,
    questdbTables.edgeStats,
    questdbTables.alerts,
    questdbTables.invoices,
    questdbTables.invoiceLines,
    questdbTables.rollingAverages,
    questdbTables.rollups,
    questdbTables.meterRegistry,
    questdbTables.meterReplacements,
    questdbTables.meterOwners,
    questdbTables.tariffVersions,
    questdbTables.commands,
    questdbTables.commandEvents,
    questdbTables.payments,
    questdbTables.paymentIntents,
    questdbTables.auditLog,
  ]);
  const instanceId = `graphql-${randomUUID().slice(0, 8)}`;
  const live = await createLiveFeed({ kafka: options.kafka, instanceId, logger: log.child('live') });
  const commands = await createCommandService({ kafka: options.kafka, questdb, live, logger: log.child('commands') });
  const manualReads = await createManualReadSender({ kafka: options.kafka, logger: log.child('manual-reads') });
  const mutations = await createMutationSupport({ questdb, questdbHttpUrl: options.questdb.httpUrl, idempotencyTtlS: options.idempotencyTtlS, logger: log.child('mutations') });
  const services: GraphqlServices = {
    questdb,
    limits: options.limits,
    meters: createMeterDirectory({ questdb, cacheMs: options.meterCacheMs }),
    commands,
    live,
    mutations,
    manualReads,
    recentWrites: createRecentWriteCaches(),
    tariffs: createTariffCatalogReader({ questdb, configured: options.billing.tariffs, cacheMs: options.meterCacheMs }),
    tariffAssignment: options.billing.assignment,
    billingTimeZone: options.billingTimeZone,
    commandSettings: options.commands,
    subscriptionRecheckMs: options.ws.subscriptionRecheckMs,
    documents: createInvoiceDocuments({
      questdb,
      options: options.documents,
      zoneOf: async (meterId) => (await services.meters.get(meterId))?.timeZone ?? options.billingTimeZone,
      logger: log.child('documents'),
    }),
    customerExports: createCustomerDataExports({
      questdb,
      secret: options.documents.secret,
      ttlS: options.documents.ttlS,
      baseUrl: options.documents.baseUrl,
      defaultZone: options.billingTimeZone,
      logger: log.child('customer-exports'),
    }),
    gdpr: options.gdpr,
    paymentIntents: createPaymentIntents({ questdb, mutations, payee: options.documents.payee, ttlS: options.payments.intentTtlS }),
    logger: log,
  };
  const policiesOn = options.policies.debtBlockDays > 0 || options.policies.overconsumptionBlock;
  const turns = policiesOn ? await startPolicyTurns({ kafka: options.kafka, instanceId, logger: log.child('policy-turns') }) : null;
  const policies = await startPolicies({ services, policies: options.policies, logger: log.child('policies'), turns });
  const yoga = createMeterflowYoga({
    services,
    authenticator,
    plugins: createSecurityPlugins({ ...options.armor, introspection: options.introspection }),
    graphiql: options.graphiql,
    cacheTtlMs: options.cacheTtlMs,
    // In development with the built-in keys, GraphiQL opens ready to query.
    graphiqlAuthorization: !options.production && options.auth.apiKeys.length === 0 && !options.auth.apiKeysFile && !options.auth.jwtSecret && !options.auth.jwksUrl ? 'ApiKey meterflow-dev-admin-key' : null,
  });
  const webhook = createPaymentWebhook({ secret: options.payments.webhookSecret, toleranceS: options.payments.webhookToleranceS, confirm: (c) => confirmPayment(services, c), logger: log.child('payment-webhook') });
  // Signed invoice document links (/documents/invoices/…) and the payment webhook (/payments/webhook) are served beside GraphQL.
  const server = createServer((request, response) =>
    services.documents.handles(request)
      ? void services.documents.serve(request, response)
      : services.customerExports.handles(request)
        ? void services.customerExports.serve(request, response)
        : webhook.handles(request) ? void webhook.serve(request, response) : yoga(request, response),
  );
  const ws = attachGraphqlWs(server, yoga, authenticator, log.child('graphql-ws'), { maxPayloadBytes: options.ws.maxPayloadBytes });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/graphql`;
  log.info('GraphQL listening', { url, graphiql: options.graphiql, introspection: options.introspection, production: options.production });
  return {
    url,
    port,
    services,
    policies,
    async stop() {
      await policies.stop();
      await ws.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Open SSE subscriptions would hold close() forever.
        server.closeAllConnections();
      });
      await commands.stop();
      await manualReads.stop();
      await live.stop();
      await mutations.stop();
      await questdb.end();
    },
  };
}
