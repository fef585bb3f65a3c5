import { createYoga, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import type { Authenticator } from './auth/authenticate';
import type { GraphqlContext, GraphqlServices } from './context';
import { createMeterflowSchema } from './schema';

export interface YogaOptions {
  services: GraphqlServices;
  authenticator: Authenticator;
  /** Limits, rate limiting, introspection switch (auth/security-plugins.ts). */
  plugins: Plugin[];
  /** Serve GraphiQL at /graphql. */
  graphiql: boolean;
}

/** The GraphQL endpoint as a fetch handler: tests may call `yoga.fetch()` in process, the server mounts it. */
export function createMeterflowYoga(options: YogaOptions): YogaServerInstance<object, GraphqlContext> {
  const { services } = options;
  const log = services.logger;
  return createYoga<object, GraphqlContext>({
    schema: createMeterflowSchema(),
    // Authentication runs before any resolver: a request without valid credentials executes nothing.
    context: async ({ request }) => ({ ...services, principal: await options.authenticator.authenticate(request) }),
    plugins: options.plugins,
    graphiql: options.graphiql,
    landingPage: false,
    // Unexpected errors reach clients as "Unexpected error." with no stack; the log keeps the detail.
    maskedErrors: true,
    logging: {
      debug: (...args) => log.debug(args.map(String).join(' ')),
      info: (...args) => log.info(args.map(String).join(' ')),
      warn: (...args) => log.warn(args.map(String).join(' ')),
      error: (...args) => log.error(args.map((a) => (a instanceof Error ? (a.stack ?? a.message) : String(a))).join(' ')),
    },
  });
}
