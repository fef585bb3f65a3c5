import { runFleet } from '../../load-tests/simulator/fleet-simulator';
import { createTestPipeline, fleetMqtt, storedReadings, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';

// The services write their own metrics to QuestDB (service_metrics), so the Pipeline
// health dashboard works with nothing but QuestDB.
describe('service metrics in QuestDB', () => {
  let pipeline: TestPipeline;
  const meters = 10;
  const perMeter = 30;
  const total = 2 * meters * perMeter;
  const start = Date.now() - perMeter * 1000;
  const sinkInstance = () => pipeline.config.string('MF_SINK_GROUP_ID');

  beforeAll(async () => {
    pipeline = createTestPipeline({ MF_METRICS_SAMPLE_INTERVAL_MS: '300' });
    await pipeline.startSink();
    await pipeline.startBridge();
    // Two rounds, so that some sample falls between them and sees the counters move.
    for (const round of [0, 1]) {
      const fleet = await runFleet({
        mqtt: fleetMqtt(pipeline),
        meters,
        profile: 'water',
        prefix: pipeline.runId,
        sectors: 2,
        intervalMs: 1000,
        readingsPerMeter: perMeter,
        ratePerSecond: 0,
        batchSize: 1,
        maxInFlight: 100,
        seed: 3,
        startTs: start - round * perMeter * 1000,
      });
      await fleet.done;
      await waitFor('readings stored', () => storedReadings(pipeline, pipeline.runId), (s) => s.n === (round + 1) * meters * perMeter, 60_000);
      if (round === 0) await waitFor('a sample after round 1', () => latest('sink', sinkInstance(), 'meterflow_sink_rows_written_total', '{table="readings"}'), (r) => r?.value === meters * perMeter, 20_000);
    }
  });

  afterAll(async () => {
    await pipeline?.stopAll();
  });

  async function latest(service: string, instance: string, metric: string, labels: string) {
    const { rows } = await pipeline.questdb.query<{ value: number; per_second: number | null; type: string }>(
      `SELECT value, per_second, type FROM service_metrics
        WHERE service = $1 AND instance::string = $2 AND metric::string = $3 AND labels::string = $4
        ORDER BY ts DESC LIMIT 1`,
      [service, instance, metric, labels],
    );
    return rows[0] ?? null;
  }

  it('records the bridge\'s and the sink\'s counters as the services count them', async () => {
    // The sink wrote exactly the published readings; its counter in QuestDB reaches that number.
    const sunk = await waitFor('sink counter sampled', () => latest('sink', pipeline.config.string('MF_SINK_GROUP_ID'), 'meterflow_sink_rows_written_total', '{table="readings"}'), (r) => r?.value === total, 20_000);
    expect(sunk!.type).toBe('counter');
    const produced = await waitFor('bridge counter sampled', () => latest('bridge', pipeline.config.string('MF_BRIDGE_ID'), 'meterflow_bridge_records_produced_total', '{topic="readings"}'), (r) => r?.value === total, 20_000);
    expect(produced!.per_second).not.toBeNull();
  });

  it('records the sink\'s consumer lag, which drains to zero', async () => {
    const lag = await waitFor(
      'lag sampled',
      () => latest('sink', pipeline.config.string('MF_SINK_GROUP_ID'), 'meterflow_sink_kafka_consumer_lag', `{topic="${pipeline.topics.readings.name}"}`),
      (r) => r !== null && r.value === 0,
      20_000,
    );
    expect(lag!.type).toBe('gauge');
    // Committed offsets are read before high watermarks and each partition's lag is floored at
    // 0, so no sample of any topic is negative (one went negative under load before both held).
    const { rows } = await pipeline.questdb.query<{ n: string; negative: string }>(
      `SELECT count() n, sum(CASE WHEN value < 0 THEN 1 ELSE 0 END) negative FROM service_metrics
        WHERE service = 'sink' AND instance::string = $1 AND metric::string = 'meterflow_sink_kafka_consumer_lag'`,
      [pipeline.config.string('MF_SINK_GROUP_ID')],
    );
    expect(Number(rows[0]!.n)).toBeGreaterThan(0);
    expect(Number(rows[0]!.negative)).toBe(0);
  });

  it('computes a counter\'s rate from consecutive samples (never negative)', async () => {
    const { rows } = await pipeline.questdb.query<{ n: string; negative: string; positive: string }>(
      `SELECT count() n, sum(CASE WHEN per_second < 0 THEN 1 ELSE 0 END) negative, sum(CASE WHEN per_second > 0 THEN 1 ELSE 0 END) positive
         FROM service_metrics WHERE service = 'sink' AND instance::string = $1 AND metric::string = 'meterflow_sink_rows_written_total'`,
      [pipeline.config.string('MF_SINK_GROUP_ID')],
    );
    expect(Number(rows[0]!.n)).toBeGreaterThan(1);
    expect(Number(rows[0]!.negative)).toBe(0);
    // Some sample saw the readings arrive.
    expect(Number(rows[0]!.positive)).toBeGreaterThan(0);
  });

  it('records the process and Node.js series and a histogram\'s _count and _sum (with their rate), never its buckets', async () => {
    const instance = pipeline.config.string('MF_SINK_GROUP_ID');
    // Series without labels are stored with labels null.
    const unlabelled = async (metric: string) => {
      const { rows } = await pipeline.questdb.query<{ value: number; per_second: number | null; type: string }>(
        `SELECT value, per_second, type FROM service_metrics
          WHERE service = 'sink' AND instance::string = $1 AND metric::string = $2 AND labels IS NULL
          ORDER BY ts DESC LIMIT 1`,
        [instance, metric],
      );
      return rows[0] ?? null;
    };
    const cpu = await unlabelled('process_cpu_seconds_total');
    expect(cpu).toMatchObject({ type: 'counter' });
    expect(cpu!.value).toBeGreaterThan(0);
    expect((await unlabelled('nodejs_eventloop_lag_seconds'))?.type).toBe('gauge');
    const flushes = await unlabelled('meterflow_sink_questdb_flush_seconds_count');
    expect(flushes).toMatchObject({ type: 'histogram' });
    expect(flushes!.value).toBeGreaterThan(0);
    expect(flushes!.per_second).not.toBeNull();
    const { rows } = await pipeline.questdb.query<{ n: string }>(
      `SELECT count() n FROM service_metrics WHERE service = 'sink' AND instance::string = $1 AND metric::string LIKE '%_bucket'`,
      [instance],
    );
    expect(Number(rows[0]!.n)).toBe(0);
  });
});
