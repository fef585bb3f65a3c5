import { createSchema } from 'graphql-yoga';
import type { GraphqlContext } from '../context';
import { alertActionsModule } from './alert-actions';
import { alertsModule } from './alerts';
import { analyticsModule } from './analytics';
import { commandsModule } from './commands';
import { commonModule } from './common';
import { edgeStatisticsModule } from './edge-statistics';
import { gdprModule } from './gdpr';
import type { GraphqlModule } from './graphql-module';
import { invoiceDocumentsModule } from './invoice-documents';
import { invoicesModule } from './invoices';
import { liveModule } from './live';
import { meterReadsModule } from './meter-reads';
import { meterRegistryModule } from './meter-registry';
import { metersModule } from './meters';
import { paymentIntentsModule } from './payment-intents';
import { paymentsModule } from './payments';
import { readingsModule } from './readings';
import { recommendationsModule } from './recommendations';
import { tariffsModule } from './tariffs';
import { meterOwnersModule } from './meter-owners';

/** Every module of the schema; each adds its types and root fields. */
export const schemaModules: GraphqlModule[] = [commonModule, readingsModule, commandsModule, liveModule, metersModule, analyticsModule, alertsModule, invoicesModule, meterRegistryModule, meterReadsModule, alertActionsModule, paymentsModule, tariffsModule, meterOwnersModule, edgeStatisticsModule, invoiceDocumentsModule, paymentIntentsModule, recommendationsModule, gdprModule];

export function createMeterflowSchema() {
  return createSchema<GraphqlContext>({
    typeDefs: schemaModules.map((m) => m.typeDefs),
    resolvers: schemaModules.map((m) => m.resolvers),
  });
}
