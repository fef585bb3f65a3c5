import { createYoga, type YogaServerInstance } from 'graphql-yoga';
import type { Logger } from '../core/logger';
import { createContext, type GraphqlContext } from './context';
import { createMeterflowSchema } from './schema';

export interface YogaOptions extends GraphqlContext {
  /** Serve GraphiQL at /graphql. @default true */
  graphiql: boolean;
  logger: Logger;
}

/** The GraphQL endpoint as a fetch handler: tests call `yoga.fetch()` in process, the server mounts it. */
export function createMeterflowYoga(options: YogaOptions): YogaServerInstance<object, GraphqlContext> {
  return createYoga<object, GraphqlContext>({
    schema: createMeterflowSchema(),
    context: createContext({ questdb: options.questdb, maxRows: options.maxRows }),
    graphiql: options.graphiql,
    // Unexpected errors reach clients as "Unexpected error." with no stack; the log keeps the detail.
    maskedErrors: true,
    logging: {
      debug: (...args) => options.logger.debug(args.map(String).join(' ')),
      info: (...args) => options.logger.info(args.map(String).join(' ')),
      warn: (...args) => options.logger.warn(args.map(String).join(' ')),
      error: (...args) => options.logger.error(args.map((a) => (a instanceof Error ? (a.stack ?? a.message) : String(a))).join(' ')),
    },
  });
}
