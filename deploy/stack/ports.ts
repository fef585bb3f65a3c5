import { createServer } from 'node:net';

/**
 * Whether 127.0.0.1:`port` can be bound right now. Binding (rather than connecting) also
 * catches a listener on 0.0.0.0 and one that does not accept connections yet.
 */
export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen({ port, host: '127.0.0.1', exclusive: true }, () => server.close(() => resolve(true)));
  });
}
