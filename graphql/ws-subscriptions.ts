import type { Server } from 'node:http';
import type { ExecutionArgs } from 'graphql';
import type { YogaServerInstance } from 'graphql-yoga';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Logger } from '../core/logger';
import type { Authenticator } from './auth/authenticate';
import type { Principal } from './auth/principal';
import type { GraphqlContext } from './context';

export interface GraphqlWs {
  /** Open graphql-ws connections. */
  connections(): number;
  close(): Promise<void>;
}

type OperationResult = ReturnType<NonNullable<Parameters<typeof useServer>[0]['execute']>>;

interface Enveloped {
  execute: (args: ExecutionArgs) => OperationResult;
  subscribe: (args: ExecutionArgs) => OperationResult;
}

/**
 * Subscriptions (and queries) over WebSocket with the graphql-ws protocol, beside SSE, on the
 * same port and path. Credentials travel in the connection_init payload (`{ authorization:
 * "ApiKey …" | "Bearer …" }`, browsers cannot set WebSocket headers); a connection without
 * valid ones is closed (4403) before any operation. Operations then go through the same yoga
 * pipeline as HTTP: limits, rate limit, resolvers' access checks. Frames are bounded
 * (maxPayloadBytes) from the first byte, and a JWT connection is closed at the token's exp.
 */
export function attachGraphqlWs(server: Server, yoga: YogaServerInstance<object, GraphqlContext>, authenticator: Authenticator, logger: Logger, options: { maxPayloadBytes: number }): GraphqlWs {
  // ws refuses a larger frame (close 1009) before buffering it, authenticated or not: without a
  // bound, an anonymous client could make the server buffer 100 MiB (ws's default) per socket.
  const wss = new WebSocketServer({ server, path: yoga.graphqlEndpoint, maxPayload: options.maxPayloadBytes });
  const principals = new WeakMap<object, Principal>();
  const disposable = useServer<Record<string, unknown> | undefined>(
    {
      execute: (args) => (args.rootValue as Enveloped).execute(args),
      subscribe: (args) => (args.rootValue as Enveloped).subscribe(args),
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const headers: Record<string, string> = {};
        for (const name of ['authorization', 'x-api-key']) {
          const value = params[name] ?? params[name === 'authorization' ? 'Authorization' : name];
          if (typeof value === 'string') headers[name] = value;
        }
        try {
          const principal = await authenticator.authenticate(new Request('http://graphql-ws.local/graphql', { headers }));
          principals.set(ctx.extra, principal);
          // The connection lives no longer than its credential: at a JWT's exp it is closed (4403).
          if (principal.expiresAt !== undefined) {
            const timer = setTimeout(() => ctx.extra.socket.close(4403, 'Forbidden: token expired'), Math.max(0, principal.expiresAt - Date.now()));
            timer.unref();
            ctx.extra.socket.once('close', () => clearTimeout(timer));
          }
          return true;
        } catch (error) {
          logger.debug('graphql-ws connection refused', { reason: (error as Error).message });
          return false;
        }
      },
      onSubscribe: async (ctx, _id, payload) => {
        const principal = principals.get(ctx.extra);
        const { schema, execute, subscribe, contextFactory, parse, validate } = yoga.getEnveloped({ ...ctx, req: ctx.extra.request, socket: ctx.extra.socket, params: payload, principal });
        const document = parse(payload.query);
        const errors = validate(schema, document);
        if (errors.length > 0) return errors;
        return {
          schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe },
        };
      },
    },
    wss,
  );
  return {
    connections: () => wss.clients.size,
    async close() {
      await disposable.dispose();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
