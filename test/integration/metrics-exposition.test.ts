import { runFleet } from '../../load-tests/simulator/fleet-simulator';
import { startTestGraphql, type GraphqlHarness } from './support/graphql-harness';
import { startTestProcessors } from './support/processors-harness';
import { parsePrometheusText } from './support/prometheus-text';
import { promtoolCheckMetrics } from './support/promtool';
import { createTestPipeline, fleetMqtt, storedReadings, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';

// Prometheus rejects a scrape that repeats a series (the processors once
// rendered flush_seconds, state_keys, watermark_lag_seconds once per processor). Every service
// is started for real, traffic flows so the labelled series exist, and every /metrics goes
// through Prometheus' own checker (promtool check metrics: format and naming lint) and a strict
// parser that names each duplicate series (promtool 2.42 does not look for those).

describe('strict Prometheus text parser (the control)', () => {
  it('names every duplicate series, a repeated HELP/TYPE and a family split apart', () => {
    const { errors } = parsePrometheusText(
      [
        '# HELP a_total A',
        '# TYPE a_total counter',
        'a_total{x="1",y="2"} 1',
        'a_total{y="2",x="1"} 2',
        '# HELP s_seconds S',
        '# TYPE s_seconds summary',
        's_seconds{quantile="0.5"} 1',
        's_seconds_count 1',
        's_seconds_count 1',
        '# HELP a_total A',
        'a_total 3',
        '',
      ].join('\n'),
    );
    expect(errors).toEqual(
      expect.arrayContaining([
        'duplicate series a_total{x="1",y="2"} (lines 3 and 4)',
        'duplicate series s_seconds_count (lines 8 and 9)',
        'line 10: family a_total appears again after other families (its lines must be together)',
        'line 10: second HELP for a_total',
      ]),
    );
  });

  it('rejects malformed samples and accepts the format\'s special values and escapes', () => {
    expect(parsePrometheusText('x{a="b} 1\n').errors).toHaveLength(1);
    expect(parsePrometheusText('x{a="b"} one\n').errors).toHaveLength(1);
    expect(parsePrometheusText('x{a="\\t"} 1\n').errors).toHaveLength(1);
    expect(parsePrometheusText('x 1').errors).toEqual(['the exposition does not end with a line feed']);
    const ok = parsePrometheusText('# TYPE x gauge\nx{a="q\\"\\\\\\n"} NaN\nx{a="b"} +Inf 1700000000000\n');
    expect(ok.errors).toEqual([]);
    expect(ok.samples[0]!.labels.a).toBe('q"\\\n');
  });
});

describe('promtool check metrics (the other control)', () => {
  it('fails a repeated HELP (the old processors\' page) and lints a gauge named like a counter; passes a clean page', () => {
    const repeated = promtoolCheckMetrics('# HELP a_total A\n# TYPE a_total counter\na_total 1\n# HELP a_total A\n# TYPE a_total counter\na_total 2\n');
    expect(repeated.exitCode).toBe(1);
    expect(repeated.problems.join('\n')).toContain('second HELP line for metric name "a_total"');
    const misnamed = promtoolCheckMetrics('# HELP q_total Q\n# TYPE q_total gauge\nq_total 1\n');
    expect(misnamed).toEqual({ exitCode: 3, problems: ['q_total non-counter metrics should not have "_total" suffix'] });
    expect(promtoolCheckMetrics('# HELP q_seconds Q\n# TYPE q_seconds gauge\nq_seconds 1\n')).toEqual({ exitCode: 0, problems: [] });
  });
});

describe('every service\'s /metrics is a valid exposition without duplicate series', () => {
  let pipeline: TestPipeline;
  let processors: Awaited<ReturnType<typeof startTestProcessors>>;
  let graphql: GraphqlHarness;
  const meters = 6;
  const perMeter = 20;

  beforeAll(async () => {
    pipeline = createTestPipeline();
    await pipeline.startSink();
    await pipeline.startBridge();
    processors = await startTestProcessors(pipeline);
    graphql = await startTestGraphql(pipeline);
    const fleet = await runFleet({
      mqtt: fleetMqtt(pipeline),
      meters,
      profile: 'water',
      prefix: pipeline.runId,
      sectors: 2,
      intervalMs: 60_000,
      readingsPerMeter: perMeter,
      ratePerSecond: 0,
      batchSize: 1,
      maxInFlight: 50,
      seed: 10,
      startTs: Date.now() - perMeter * 60_000,
    });
    await fleet.done;
    await waitFor('readings stored', () => storedReadings(pipeline, pipeline.runId), (s) => s.n === meters * perMeter, 60_000);
    // Every processor has applied readings, so their labelled series exist.
    // A request GraphQL counts (its own series exist once it has answered one).
    expect((await fetch(`${new URL(graphql.url).origin}/health`)).status).toBe(200);
    await waitFor('processors applied the readings', async () => processors.processors.metrics.render(), (text) => /records_processed_total\{processor="[^"]+"\} [1-9]/.test(text), 60_000);
  }, 180_000);

  afterAll(async () => {
    await graphql?.stop();
    await processors?.stop();
    await pipeline?.stopAll();
  });

  const scrape = async (url: string) => {
    const response = await fetch(url);
    return { status: response.status, type: response.headers.get('content-type') ?? '', text: await response.text() };
  };

  const urls = () => ({
    bridge: `http://127.0.0.1:${pipeline.bridge!.httpPort}/metrics`,
    sink: `http://127.0.0.1:${pipeline.sink!.httpPort}/metrics`,
    processors: `http://127.0.0.1:${processors.processors.httpPort}/metrics`,
    graphql: `${new URL(graphql.url).origin}/metrics`,
  });

  it.each(['bridge', 'sink', 'processors', 'graphql'] as const)('%s', async (service) => {
    const { status, type, text } = await scrape(urls()[service]);
    expect(status).toBe(200);
    expect(type).toBe('text/plain; version=0.0.4; charset=utf-8');
    // Prometheus' verdict: no format error and no naming-convention lint, every line of it.
    expect(promtoolCheckMetrics(text)).toEqual({ exitCode: 0, problems: [] });
    const parsed = parsePrometheusText(text);
    // One line per problem, each naming the series: the message is the list to fix.
    expect(parsed.errors).toEqual([]);
    const series = parsed.samples.map((s) => `${s.name}${JSON.stringify(Object.entries(s.labels).sort())}`);
    expect(series.filter((s, i) => series.indexOf(s) !== i)).toEqual([]);
    // The process and Node.js series every service carries, each once.
    for (const name of ['process_cpu_seconds_total', 'process_resident_memory_bytes', 'process_open_fds', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']) {
      expect(parsed.samples.filter((s) => s.name === name)).toHaveLength(1);
    }
    expect(parsed.families.get('nodejs_gc_duration_seconds')?.type).toBe('histogram');
    // The traffic reached the service's own (non-process) counters.
    expect(parsed.samples.some((s) => s.name.startsWith(`meterflow_${service}_`) && s.value > 0)).toBe(true);
  });

  it('the latency histograms saw the traffic: buckets, _count and _sum of each service\'s own', async () => {
    const histograms = { bridge: 'meterflow_bridge_kafka_produce_seconds', sink: 'meterflow_sink_questdb_flush_seconds', processors: 'meterflow_processors_flush_duration_seconds' } as const;
    for (const [service, name] of Object.entries(histograms)) {
      const parsed = parsePrometheusText((await scrape(urls()[service as keyof typeof histograms])).text);
      expect(parsed.families.get(name)?.type).toBe('histogram');
      const count = parsed.samples.filter((s) => s.name === `${name}_count`).reduce((n, s) => n + s.value, 0);
      const inf = parsed.samples.filter((s) => s.name === `${name}_bucket` && s.labels.le === '+Inf').reduce((n, s) => n + s.value, 0);
      expect([service, count > 0, inf]).toEqual([service, true, count]);
    }
  });
});
