import { useResponseCache } from '@graphql-yoga/plugin-response-cache';
import { createYoga, type GraphiQLOptions, type Plugin, type YogaServerInstance } from 'graphql-yoga';
import type { Authenticator } from './auth/authenticate';
import type { Principal } from './auth/principal';
import type { GraphqlContext, GraphqlServices } from './context';
import { createMeterflowSchema } from './schema';

export interface YogaOptions {
  services: GraphqlServices;
  authenticator: Authenticator;
  /** Limits, rate limiting, introspection switch (auth/security-plugins.ts). */
  plugins: Plugin[];
  /** Serve GraphiQL at /graphql. */
  graphiql: boolean;
  /** Header GraphiQL starts with (development: the dev admin key), or null. */
  graphiqlAuthorization: string | null;
  /** Response cache TTL, per caller; 0 = off. */
  cacheTtlMs: number;
}

/**
 * Authentication is the first thing a request meets, before yoga parses or validates the
 * document: without credentials a client learns nothing, not even whether a field exists.
 */
function authenticateFirst(authenticator: Authenticator, principals: WeakMap<Request, Principal>): Plugin {
  return {
    async onRequestParse({ request }) {
      principals.set(request, await authenticator.authenticate(request));
    },
  };
}

/**
 * GraphiQL from the installed @graphql-yoga/render-graphiql: its script, styles, editor workers
 * and favicon are inlined in the page, so it works with no outside network (yoga's own page
 * loads them from a CDN and is blank in an air-gapped network). The module and the page are
 * ~9 MB: loaded on the first request for the page (never on a server without GraphiQL), and
 * the page is built once for the server's one set of options, not per request.
 */
function offlineGraphiql(): (options: GraphiQLOptions) => Promise<string> {
  let last: { key: string; page: string } | null = null;
  return async (options) => {
    const key = JSON.stringify(options);
    if (last?.key !== key) {
      const { renderGraphiQL } = await import('@graphql-yoga/render-graphiql');
      last = { key, page: renderGraphiQL(options) };
    }
    return last.page;
  };
}

function sessionOf(principal: Principal | undefined): string | null {
  return principal ? `${principal.via}\u0000${principal.subject}\u0000${principal.role}\u0000${principal.customerId ?? ''}` : null;
}

/** The GraphQL endpoint as a fetch handler: tests may call `yoga.fetch()` in process, the server mounts it. */
export function createMeterflowYoga(options: YogaOptions): YogaServerInstance<object, GraphqlContext> {
  const { services } = options;
  const log = services.logger;
  const principals = new WeakMap<Request, Principal>();
  return createYoga<object, GraphqlContext>({
    schema: createMeterflowSchema(),
    // HTTP requests were authenticated by authenticateFirst; graphql-ws connections at connection_init.
    context: async (initial: { request: Request; principal?: Principal }) => ({
      ...services,
      principal: initial.principal ?? principals.get(initial.request) ?? (await options.authenticator.authenticate(initial.request)),
    }),
    plugins: [
      authenticateFirst(options.authenticator, principals),
      ...options.plugins,
      ...(options.cacheTtlMs > 0
        ? [
            // Dashboards ask the same question every refresh: a result is reused for its caller
            // only (the session is the principal, so a customer never sees another's data), and
            // never before authentication (enabled only once the principal is known).
            useResponseCache({
              ttl: options.cacheTtlMs,
              session: (request) => sessionOf(principals.get(request)),
              enabled: (request) => principals.has(request),
            }),
          ]
        : []),
    ],
    graphiql: options.graphiql ? (options.graphiqlAuthorization ? { headers: JSON.stringify({ authorization: options.graphiqlAuthorization }) } : true) : false,
    renderGraphiQL: offlineGraphiql(),
    landingPage: false,
    // Unexpected errors reach clients as "Unexpected error." with no stack; the log keeps the detail.
    maskedErrors: true,
    logging: {
      debug: (...args) => log.debug(...yogaLine(args)),
      info: (...args) => log.info(...yogaLine(args)),
      warn: (...args) => log.warn(...yogaLine(args)),
      error: (...args) => log.error(...yogaLine(args)),
    },
  });
}

/** Yoga logs (message…, Error): the texts are the message, an Error the `error` field (code; stack only at debug). */
function yogaLine(args: unknown[]): [string, Record<string, unknown>?] {
  const error = args.find((a) => a instanceof Error);
  const message = args.filter((a) => !(a instanceof Error)).map(String).join(' ') || (error ? 'unexpected error' : '');
  return error ? [message, { error }] : [message];
}
