import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Metrics } from '../metrics';
import { serveMetrics } from './serve-metrics';

export interface HealthCheck {
  /** True when the service can do its work; the detail appears in /health's body. */
  (): { healthy: boolean; detail: Record<string, unknown> };
}

export interface HealthServer {
  port: number;
  /** The interface it listens on (MF_HTTP_HOST). */
  host: string;
  close(): Promise<void>;
}

/** Where a service's HTTP port listens unless MF_HTTP_HOST says otherwise: this host only. */
export const defaultHttpHost = '127.0.0.1';

/**
 * Serves GET /health (200 or 503, JSON) and GET /metrics (Prometheus text) on `host`
 * (MF_HTTP_HOST): loopback by default, like the stack's servers; containers set 0.0.0.0 so
 * probes and Prometheus reach it.
 */
export async function startHealthServer(port: number, check: HealthCheck, metrics: Metrics, host: string = defaultHttpHost): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    if (req.url === '/health') {
      const { healthy, detail } = check();
      res.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: healthy ? 'ok' : 'unhealthy', ...detail }));
    } else if (req.url === '/metrics') {
      serveMetrics(metrics, res);
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found: try /health or /metrics\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    host: (server.address() as AddressInfo).address,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
