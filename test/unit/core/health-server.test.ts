import { startHealthServer } from '../../../core/http/health-server';
import { createMetrics } from '../../../core/metrics';

describe('startHealthServer', () => {
  it('listens on loopback unless told otherwise (MF_HTTP_HOST), and answers there', async () => {
    const health = await startHealthServer(0, () => ({ healthy: true, detail: {} }), createMetrics('t'));
    try {
      expect(health.host).toBe('127.0.0.1');
      expect((await fetch(`http://127.0.0.1:${health.port}/health`)).status).toBe(200);
    } finally {
      await health.close();
    }
  });

  it('listens where MF_HTTP_HOST says', async () => {
    const health = await startHealthServer(0, () => ({ healthy: true, detail: {} }), createMetrics('t'), '0.0.0.0');
    try {
      expect(health.host).toBe('0.0.0.0');
    } finally {
      await health.close();
    }
  });

  it('serves /metrics in the Prometheus text format; a failing collector costs that scrape only', async () => {
    const metrics = createMetrics('t');
    let broken = false;
    metrics.collectedGauge('depth', 'Depth', () => {
      if (broken) throw new Error('queue gone');
      return 3;
    });
    const health = await startHealthServer(0, () => ({ healthy: true, detail: {} }), metrics);
    try {
      const ok = await fetch(`http://127.0.0.1:${health.port}/metrics`);
      expect(ok.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
      expect(await ok.text()).toContain('\nt_depth 3\n');
      broken = true;
      const failed = await fetch(`http://127.0.0.1:${health.port}/metrics`);
      expect([failed.status, await failed.text()]).toEqual([500, 'metrics not rendered: queue gone\n']);
      expect((await fetch(`http://127.0.0.1:${health.port}/health`)).status).toBe(200);
    } finally {
      await health.close();
    }
  });
});
