import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import * as path from 'node:path';
import type { Reading } from '../../core/contracts';
import { startTestProcessors, waterReading } from './support/processors-harness';
import { collectTopic } from './support/topic-collector';
import { createTestPipeline, walApplied, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';

// The above-group-average rule: a meter consuming more than its group's average by a factor. Six meters of
// one sector use 1 L/min; from the fourth hour one of them uses 6 L/min. Hour windows: the
// trimmed average (drop the lowest and the highest: 4 × 1) / 4 = 1 L/min, ratio 6 > 2 → that
// meter, from that hour.
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
    expect(evidence.ratio).toBeCloseTo(6, 6);
    // All six windows were compared, and nothing else was raised for this sector.
    await waitFor('every hour compared', async () => {
      const text = await harness.processors.metrics.render();
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

// One hostile meter must not raise alerts on the honest ones of its sector (with
// the overconsumption policy, it would get them blocked). Five honest meters registered in a
// sector use 1 L/min; the hostile one is registered in another sector, claims theirs in its
// payload and reports negative flow (-9 / 0 L/min, mean -4.5): on a plain mean of the six
// (0.5 / 6 = 0.083 L/min) every honest meter would be 12× the average. In the third hour one
// honest meter really uses 6 L/min: the one alert expected, proving the sector was compared.
describe('one hostile meter among five honest ones', () => {
  let pipeline: TestPipeline;
  let harness: Awaited<ReturnType<typeof startTestProcessors>>;
  let sector: string;
  const honest = (k: number) => `${pipeline.runId}-h${k}`;

  beforeAll(async () => {
    pipeline = createTestPipeline();
    sector = `${pipeline.runId}-north`;
    const dir = mkdtempSync(path.join(os.tmpdir(), 'meterflow-rules-'));
    const rules = path.join(dir, 'rules.json');
    writeFileSync(rules, JSON.stringify({ rules: [{ id: 'above-sector-average', kind: 'above-group-average', scope: 'sector', factor: 2, minGroupSize: 3 }] }));
    const registry = [...[0, 1, 2, 3, 4].map((k) => [honest(k), sector]), [`${pipeline.runId}-evil`, `${pipeline.runId}-south`]];
    for (const [meter, s] of registry) {
      await pipeline.questdb.query(
        `INSERT INTO meter_registry (ts, meter_id, kind, sector, registered_at, changed_by) VALUES ('2026-01-01T00:00:00.000000Z', $1, 'water', $2, '2026-01-01T00:00:00.000000Z', 'test')`,
        [meter, s],
      );
    }
    await waitFor('registry rows applied', () => walApplied(pipeline.questdb, 'meter_registry'), Boolean);
    harness = await startTestProcessors(pipeline, { MF_ALERT_RULES_FILE: rules, MF_ROLLING_WINDOWS: '1h/1h', MF_GROUP_COMPARISON_INTERVAL_MS: '300' });
  });

  afterAll(async () => {
    await harness?.stop();
    await pipeline?.stopAll();
  });

  it('raises no alert on the honest meters; the hostile one is left out of the average', async () => {
    const t0 = Math.floor((Date.now() - 6 * hour) / hour) * hour;
    const readings: Reading[] = [];
    // In event-time order across meters (they share partitions).
    for (let t = t0; t < t0 + 3 * hour; t += 5 * 60_000) {
      for (let k = 0; k < 5; k += 1) readings.push(waterReading(honest(k), t + k * 1000, { value: k === 4 && t >= t0 + 2 * hour ? 6 : 1, sector }));
      readings.push(waterReading(`${pipeline.runId}-evil`, t + 5000, { value: (t / 300_000) % 2 === 0 ? -9 : 0, sector }));
    }
    for (let k = 0; k < 60; k += 1) readings.push(waterReading(`${pipeline.runId}-tick-${k}`, t0 + 4 * hour, { value: 0, sector: `${pipeline.runId}-tick` }));
    await harness.send(readings);

    // Every hour of this run compared: the comparison's checkpoint says how far it got.
    await waitFor('the three hours compared', async () => {
      await walApplied(pipeline.questdb, 'processor_state');
      const { rows } = await pipeline.questdb.query<{ t: string }>(`SELECT max(stream_time) t FROM processor_state WHERE processor = $1`, [`${pipeline.runId}-processors.group-comparison`]);
      return Number(rows[0]?.t ?? 0);
    }, (t) => t >= t0 + 3 * hour, 150_000, 300);
    await walApplied(pipeline.questdb, 'alerts');
    const { rows } = await pipeline.questdb.query<{ meter_id: string; state: string; started_at: Date; evidence: string }>(
      `SELECT meter_id, state, started_at, evidence FROM alerts WHERE rule = 'above-sector-average' AND meter_id::string LIKE $1 ORDER BY ts`,
      [`${pipeline.runId}-%`],
    );
    expect(rows.map((r) => [r.meter_id, r.state, r.started_at.getTime()])).toEqual([[honest(4), 'open', t0 + 2 * hour]]);
    // Its sector's average was the honest meters' (trimmed: 1 L/min × 60 = 60 L), over the five of them.
    expect(JSON.parse(rows[0]!.evidence)).toMatchObject({ groupAverage: 60, meterCount: 5, group: sector });
    const excluded = Number(/meterflow_processors_group_windows_excluded_total\{reason="negative"\} (\d+)/.exec(await harness.processors.metrics.render())?.[1] ?? 0);
    expect(excluded).toBeGreaterThanOrEqual(3);
  }, 200_000);
});
