import type { GraphqlModule } from '../graphql-module';
import { invoiceDocumentsResolvers } from './resolvers';
import { invoiceDocumentsTypeDefs } from './type-defs';

/** Invoice.document: signed links to invoice PDFs and their payment payloads (docs/invoice-documents.md). */
export const invoiceDocumentsModule: GraphqlModule = { typeDefs: invoiceDocumentsTypeDefs, resolvers: invoiceDocumentsResolvers };
