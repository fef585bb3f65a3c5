import { questdbTables } from '../../core/contracts';
import { runFleet } from '../../load-tests/simulator/fleet-simulator';
import { startTestGraphql } from './support/graphql-harness';
import { createTestPipeline, fleetMqtt, meterIdLike, walApplied, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';

// 100 meters x 100 readings over MQTT -> exactly those 10,000 rows through GraphQL,
// none missing, none doubled; then a replay of the same Kafka records changes nothing.
const meters = 100;
const perMeter = 100;
// Recent event times: rows far in the past cost QuestDB an out-of-order partition merge per transaction.
const intervalMs = 1_000;

describe('meter -> MQTT -> bridge -> Kafka -> sink -> QuestDB -> GraphQL', () => {
  let pipeline: TestPipeline;
  let meterIds: string[];
  let startTs: number;

  const countRows = async () => {
    const { rows } = await pipeline.questdb.query<{ n: string }>(`SELECT count() n FROM readings WHERE ${meterIdLike}`, [`${pipeline.runId}-%`]);
    return Number(rows[0]?.n ?? 0);
  };

  beforeAll(async () => {
    pipeline = createTestPipeline();
    await pipeline.startSink();
    await pipeline.startBridge();
    startTs = Math.floor(Date.now() / 1000) * 1000 - perMeter * intervalMs;
    const fleet = await runFleet({
      mqtt: fleetMqtt(pipeline),
      meters,
      profile: 'mixed',
      prefix: pipeline.runId,
      sectors: 4,
      intervalMs,
      readingsPerMeter: perMeter,
      ratePerSecond: 0,
      batchSize: 1,
      maxInFlight: 500,
      seed: 7,
      startTs,
    });
    meterIds = fleet.meterIds;
    const published = await fleet.done;
    expect(published).toMatchObject({ published: meters * perMeter, failed: 0 });
    await waitFor('10,000 rows in QuestDB', countRows, (n) => n >= meters * perMeter, 90_000);
    await waitFor('WAL applied', () => walApplied(pipeline.questdb, questdbTables.readings.name), Boolean);
  });

  afterAll(async () => {
    await pipeline?.stopAll();
  });

  it('returns every published reading exactly once through GraphQL', async () => {
    const graphql = await startTestGraphql(pipeline);
    const query = `query ($meterId: ID!, $from: DateTime!, $to: DateTime!) {
      readings(meterId: $meterId, from: $from, to: $to, limit: 1000) { meterId kind ts seq value register }
    }`;
    const from = new Date(startTs - 1).toISOString();
    const to = new Date(startTs + perMeter * intervalMs).toISOString();
    const expectedTs = Array.from({ length: perMeter }, (_, k) => new Date(startTs + k * intervalMs).toISOString());
    let total = 0;
    for (const meterId of meterIds) {
      const body = await graphql.request<{ readings: { meterId: string; kind: string; ts: string; seq: number; register: number }[] }>(query, { meterId, from, to });
      expect(body.errors).toBeUndefined();
      const readings = body.data!.readings;
      // The simulator published readings k = 0..99 at startTs + k*interval with seq k+1.
      expect(readings.map((r) => r.ts)).toEqual(expectedTs);
      expect(readings.map((r) => r.seq)).toEqual(expectedTs.map((_, k) => k + 1));
      expect(new Set(readings.map((r) => r.meterId))).toEqual(new Set([meterId]));
      expect(readings[0]!.kind).toBe(meterId.includes('-w-') ? 'water' : 'electricity');
      // A register never decreases in the simulator's output.
      for (let k = 1; k < readings.length; k += 1) expect(readings[k]!.register).toBeGreaterThanOrEqual(readings[k - 1]!.register);
      total += readings.length;
    }
    expect(total).toBe(meters * perMeter);
    await graphql.stop();
  });

  it('holds no duplicate (meter_id, ts) pair in QuestDB', async () => {
    const { rows } = await pipeline.questdb.query<{ n: string; distinct_pairs: string }>(
      `SELECT count() n, count_distinct(concat(meter_id, '@', cast(ts AS string))) distinct_pairs FROM readings WHERE ${meterIdLike}`,
      [`${pipeline.runId}-%`],
    );
    expect(Number(rows[0]!.n)).toBe(meters * perMeter);
    expect(Number(rows[0]!.distinct_pairs)).toBe(meters * perMeter);
  });

  it('re-consuming the same Kafka records (group reset) leaves the row count unchanged', async () => {
    await pipeline.sink!.stop();
    await pipeline.kafka.resetGroupOffsets(pipeline.config.string('MF_SINK_GROUP_ID'), pipeline.topics.readings.name);
    const sink = await pipeline.startSink();
    // The replay really happened: the restarted sink wrote all 10,000 rows again.
    await waitFor(
      'replayed rows written',
      async () => sink.metrics.render(),
      (text) => /meterflow_sink_rows_written_total\{table="readings"\} (\d+)/.exec(text)?.[1] === String(meters * perMeter),
      90_000,
    );
    await waitFor('WAL applied after replay', () => walApplied(pipeline.questdb, questdbTables.readings.name), Boolean);
    expect(await countRows()).toBe(meters * perMeter);
  });
});
