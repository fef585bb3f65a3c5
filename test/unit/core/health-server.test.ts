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
});
