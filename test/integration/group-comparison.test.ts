import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import * as path from 'node:path';
import type { Reading } from '../../core/contracts';
import { startTestProcessors, waterReading } from './support/processors-harness';
import { collectTopic } from './support/topic-collector';
import { createTestPipeline, walApplied, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';

// Seed 000's rule: a meter consuming more than its group's average by a factor. Six meters of
// one sector use 1 L/min; from the fourth hour one of them uses 6 L/min. Hour windows:
// average (5 × 1 + 6) / 6 = 1.83 L/min, ratio 6 / 1.83 = 3.3 > 2 → that meter, from that hour.
const hour = 3_600_000;

describe('above the sector average by a factor', () => {
  let pipeline: TestPipeline;
  let harness: Awaited<ReturnType<typeof startTestProcessors>>;

  beforeAll(async () => {
    pipeline = createTestPipeline();
    const dir = mkdtempSync(path.join(os.tmpdir(), 'meterflow-rules-'));
    const rules = path.join(dir, 'rules.json');
    writeFileSync(rules, JSON.stringify({ rules: [{ id: 'above-sector-average', kind: 'above-group-average', scope: 'sector', factor: 2, minGroupSize: 3 }] }));
    harness = await startTestProcessors(pipeline, { MF_ALERT_RULES_FILE: rules, MF_ROLLING_WINDOWS: '1h/1h', MF_GROUP_COMPARISON_INTERVAL_MS: '300' });
  });

  afterAll(async () => {
    await harness?.stop();
    await pipeline?.stopAll();
  });

  it('alerts on the heavy meter from the first hour it exceeds, and on no other', async () => {
    const t0 = Math.floor((Date.now() - 12 * hour) / hour) * hour;
    const sector = `${pipeline.runId}-s`;
    const readings: Reading[] = [];
    for (let t = t0; t < t0 + 6 * hour; t += 5 * 60_000) {
      for (let m = 0; m < 6; m += 1) {
        const heavy = m === 5 && t >= t0 + 3 * hour;
        readings.push(waterReading(`${pipeline.runId}-m${m}`, t + m * 1000, { value: heavy ? 6 : 1, sector }));
      }
    }
    // Every partition past the last hour + lateness.
    for (let k = 0; k < 60; k += 1) readings.push(waterReading(`${pipeline.runId}-tick-${k}`, t0 + 8 * hour, { value: 0, sector: `${pipeline.runId}-tick` }));
    await harness.send(readings);

    const alerts = async () => {
      await walApplied(pipeline.questdb, 'alerts');
      const { rows } = await pipeline.questdb.query<{ meter_id: string; state: string; started_at: Date; ts: Date; evidence: string }>(
        `SELECT meter_id, state, started_at, ts, evidence FROM alerts WHERE rule = 'above-sector-average' AND meter_id::string LIKE $1 ORDER BY ts`,
        [`${pipeline.runId}-%`],
      );
      return rows;
    };
    const found = await waitFor('the above-average alert', alerts, (rows) => rows.length > 0, 120_000, 300);
    expect(found.map((r) => [r.meter_id, r.state, r.started_at.getTime(), r.ts.getTime()])).toEqual([[`${pipeline.runId}-m5`, 'open', t0 + 3 * hour, t0 + 4 * hour]]);
    const evidence = JSON.parse(found[0]!.evidence) as { ratio: number; meterCount: number };
    expect(evidence.meterCount).toBe(6);
    expect(evidence.ratio).toBeCloseTo(6 / (11 / 6), 2);
    // All six windows were compared, and nothing else was raised for this sector.
    await waitFor('every hour compared', async () => {
      const text = harness.processors.metrics.render();
      return Number(/meterflow_processors_group_windows_compared_total (\d+)/.exec(text)?.[1] ?? 0);
    }, (n) => n >= 6, 60_000, 300);
    expect((await alerts()).length).toBe(1);
    // The same alert is on the alerts topic. (Windows of other test runs in the shared QuestDB are
    // compared too, in their own sectors: only this run's meters are looked at.)
    const topic = await collectTopic<{ table: string; meter_id: string; rule: string; state: string }>(pipeline.kafka, pipeline.topics.alerts.name, `${pipeline.runId}-alerts-reader`);
    try {
      const onTopic = await waitFor('the alert on Kafka', async () => topic.values.filter((v) => v.rule === 'above-sector-average' && v.meter_id.startsWith(`${pipeline.runId}-`)), (v) => v.length > 0, 30_000, 200);
      expect(onTopic.map((v) => [v.table, v.meter_id, v.state])).toEqual([['alerts', `${pipeline.runId}-m5`, 'open']]);
    } finally {
      await topic.stop();
    }
  }, 200_000);
});
