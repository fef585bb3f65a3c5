import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Metrics } from '../metrics';

export interface HealthCheck {
  /** True when the service can do its work; the detail appears in /health's body. */
  (): { healthy: boolean; detail: Record<string, unknown> };
}

export interface HealthServer {
  port: number;
  close(): Promise<void>;
}

/** Serves GET /health (200 or 503, JSON) and GET /metrics (Prometheus text). */
export async function startHealthServer(port: number, check: HealthCheck, metrics: Metrics): Promise<HealthServer> {
  const server: Server = createServer((req, res) => {
    if (req.url === '/health') {
      const { healthy, detail } = check();
      res.writeHead(healthy ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: healthy ? 'ok' : 'unhealthy', ...detail }));
    } else if (req.url === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(metrics.render());
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found: try /health or /metrics\n');
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '0.0.0.0', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
