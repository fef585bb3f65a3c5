import type { GraphqlModule } from '../graphql-module';
import { commandResolvers } from './command-resolvers';
import { commandsTypeDefs } from './type-defs';

/** Commands to meters (block/unblock), their history and meters' block status. */
export const commandsModule: GraphqlModule = { typeDefs: commandsTypeDefs, resolvers: commandResolvers };
