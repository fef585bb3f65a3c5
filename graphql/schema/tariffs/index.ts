import type { GraphqlModule } from '../graphql-module';
import { tariffsResolvers } from './resolvers';
import { tariffsTypeDefs } from './type-defs';

/** tariffs, tariff, publishTariff, retireTariff: tariff management at run time. */
export const tariffsModule: GraphqlModule = { typeDefs: tariffsTypeDefs, resolvers: tariffsResolvers };
