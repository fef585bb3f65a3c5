import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import * as path from 'node:path';
import type { Reading } from '../../core/contracts';
import type { AlertEvent } from '../../core/streams/alerts';
import { generateScenarioFleet, scoreAlerts } from '../../processors/leak-detection';
import { startTestProcessors } from './support/processors-harness';
import { createTestPipeline, walApplied, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';
import { readingsGroupId } from '../../processors/topology';

// A simulated fleet with injected continuous leaks, bursts and night flow among leak-free
// households with normal diurnal use, through Kafka → processors → QuestDB. The ground truth
// is the scenario's labels; the alerts are read back from the alerts table.
const leakRules = new Set(['continuous-flow', 'night-flow', 'burst']);

describe('leak detection through the pipeline', () => {
  let pipeline: TestPipeline;
  let harness: Awaited<ReturnType<typeof startTestProcessors>>;

  beforeAll(async () => {
    pipeline = createTestPipeline();
  });

  afterAll(async () => {
    await harness?.stop();
    await pipeline?.stopAll();
  });

  it('detects every injected fault within its rule latency and alerts on no leak-free meter', async () => {
    const fleet = generateScenarioFleet({ seed: 42 });
    const id = (meterId: string) => `${pipeline.runId}-${meterId}`;
    const readings: Reading[] = fleet.readings.map((r) => ({ ...r, meterId: id(r.meterId) }));
    const labels = fleet.labels.map((l) => ({ ...l, meterId: id(l.meterId) }));
    const dir = mkdtempSync(path.join(os.tmpdir(), 'meterflow-leak-'));
    const configFile = path.join(dir, 'leak.json');
    writeFileSync(configFile, JSON.stringify({ meters: Object.fromEntries(Object.entries(fleet.leakConfigInput.meters).map(([m, v]) => [id(m), v])) }));
    harness = await startTestProcessors(pipeline, { MF_LEAK_CONFIG_FILE: configFile });
    // After the fleet, one reading two days later on enough meters to move every partition's watermark past the end.
    const ticks = Array.from({ length: 60 }, (_, k): Reading => ({ meterId: `${pipeline.runId}-tick-${k}`, kind: 'water', ts: fleet.end + 2 * 86_400_000, value: 0, valueUnit: 'L/min', register: null, registerUnit: 'L', seq: null, sector: null, receivedAt: fleet.end + 2 * 86_400_000 }));
    await harness.send([...readings, ...ticks]);

    const group = readingsGroupId(`${pipeline.runId}-processors`);
    await waitFor('processors caught up', () => pipeline.kafka.groupLag(group, pipeline.topics.readings.name), (lag) => lag === 0, 180_000, 500);
    await waitFor('WAL applied on alerts', () => walApplied(pipeline.questdb, 'alerts'), Boolean);
    const { rows } = await pipeline.questdb.query<{ ts: Date; alert_id: string; meter_id: string; rule: string; rule_kind: string; state: string; started_at: Date }>(
      `SELECT ts, alert_id, meter_id, rule, rule_kind, state, started_at FROM alerts WHERE meter_id::string LIKE $1`,
      [`${pipeline.runId}-%`],
    );
    const events = rows
      .filter((r) => leakRules.has(r.rule_kind))
      .map((r) => ({ alertId: r.alert_id, meterId: r.meter_id, rule: r.rule, ruleKind: r.rule_kind, state: r.state, startedAt: r.started_at.getTime(), at: r.ts.getTime() }) as AlertEvent);
    const score = scoreAlerts(labels, events);
    process.stderr.write(`leak detection through the pipeline: ${score.detected}/${score.injected} detected, ${score.falsePositives.length} false alerts, precision ${score.precision}, recall ${score.recall}\n`);
    expect(score.injected).toBe(18);
    expect(score.missed.map((l) => `${l.meterId} ${l.kind}`)).toEqual([]);
    expect(score.falsePositives.map((e) => `${e.meterId} ${e.rule}`)).toEqual([]);
    expect([score.precision, score.recall]).toEqual([1, 1]);
  }, 300_000);
});
