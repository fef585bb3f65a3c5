import type { ServerResponse } from 'node:http';
import { describeError } from '../errors';
import type { Metrics } from '../metrics';

/** Answers a GET /metrics. A failing collector costs this scrape (500, with the reason), never the service. */
export function serveMetrics(metrics: Metrics, res: ServerResponse): void {
  metrics.render().then(
    (text) => {
      res.writeHead(200, { 'content-type': metrics.contentType });
      res.end(text);
    },
    (error: unknown) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`metrics not rendered: ${describeError(error)}\n`);
    },
  );
}
