import { createMetrics } from '../../../core/metrics';

const lines = (text: string) => text.split('\n');
/** Sample lines of one metric family (name, name{...}, name_suffix), comments excluded. */
const samples = (text: string, name: string) => lines(text).filter((l) => l.startsWith(name) && !l.startsWith('#'));

// Exposition format: metric_name [ "{" label_name "=" `"` label_value `"` { "," ... } "}" ] value
const labelValue = '"(?:[^"\\\\\\n]|\\\\[\\\\"n])*"';
const label = `[a-zA-Z_][a-zA-Z0-9_]*=${labelValue}`;
const sampleLine = new RegExp(`^[a-zA-Z_:][a-zA-Z0-9_:]*(\\{${label}(,${label})*\\})? (-?[0-9.]+(e[+-]?[0-9]+)?|NaN|[+-]Inf)$`);

describe('createMetrics', () => {
  it('counts per label set and renders HELP, TYPE and one sample line per label set', () => {
    const metrics = createMetrics('meterflow_bridge');
    const deadLetters = metrics.counter('dead_letters_total', 'Refused messages, by reason');
    deadLetters.inc({ reason: 'MALFORMED_JSON' });
    deadLetters.inc({ reason: 'MALFORMED_JSON' });
    deadLetters.inc({ reason: 'UNKNOWN_KIND' }, 5);
    expect(deadLetters.get({ reason: 'MALFORMED_JSON' })).toBe(2);
    expect(deadLetters.get({ reason: 'UNKNOWN_KIND' })).toBe(5);
    expect(deadLetters.get({ reason: 'INVALID_SHAPE' })).toBe(0);

    const text = metrics.render();
    expect(lines(text)).toContain('# HELP meterflow_bridge_dead_letters_total Refused messages, by reason');
    expect(lines(text)).toContain('# TYPE meterflow_bridge_dead_letters_total counter');
    expect(samples(text, 'meterflow_bridge_dead_letters_total').sort()).toEqual([
      'meterflow_bridge_dead_letters_total{reason="MALFORMED_JSON"} 2',
      'meterflow_bridge_dead_letters_total{reason="UNKNOWN_KIND"} 5',
    ]);
  });

  it('renders several labels as name{a="x",b="y"} and counts without labels as a bare name', () => {
    const metrics = createMetrics('mf');
    const c = metrics.counter('records_total', 'Records');
    c.inc({ topic: 'readings', partition: '3' }, 2);
    c.inc();
    c.inc(undefined, 4);
    c.inc({});
    expect(c.get()).toBe(6);
    const rendered = samples(metrics.render(), 'mf_records_total');
    expect(rendered).toContain('mf_records_total 6');
    // Label names come out sorted, whatever order the caller used.
    expect(rendered).toContain('mf_records_total{partition="3",topic="readings"} 2');
    expect(rendered).toHaveLength(2);
  });

  it('treats a label set as a set: the order of keys does not make a second series', () => {
    const metrics = createMetrics('mf');
    const c = metrics.counter('records_total', 'Records');
    c.inc({ topic: 'readings', partition: '3' });
    c.inc({ partition: '3', topic: 'readings' });
    expect(c.get({ topic: 'readings', partition: '3' })).toBe(2);
    expect(samples(metrics.render(), 'mf_records_total')).toHaveLength(1);
  });

  it('escapes backslash, double quote and line feed in label values as \\\\, \\" and \\n', () => {
    const metrics = createMetrics('mf');
    const c = metrics.counter('errors_total', 'Errors');
    c.inc({ detail: 'say "hi"' });
    c.inc({ detail: 'C:\\dir' });
    c.inc({ detail: 'two\nlines' });
    const rendered = samples(metrics.render(), 'mf_errors_total');
    expect(rendered).toContain('mf_errors_total{detail="say \\"hi\\""} 1');
    expect(rendered).toContain('mf_errors_total{detail="C:\\\\dir"} 1');
    expect(rendered).toContain('mf_errors_total{detail="two\\nlines"} 1');
    // Escaping is lossless: values differing only in those characters stay distinct series.
    c.inc({ detail: 'a"b' });
    c.inc({ detail: 'a_b' }, 10);
    expect(c.get({ detail: 'a"b' })).toBe(1);
    expect(c.get({ detail: 'a_b' })).toBe(10);
  });

  it('gauges hold the last value set, per label set', () => {
    const metrics = createMetrics('mf');
    const g = metrics.gauge('queue_depth', 'Queued records');
    g.set(5);
    g.set(3);
    g.set(7, { queue: 'b' });
    expect(g.get()).toBe(3);
    expect(g.get({ queue: 'b' })).toBe(7);
    const text = metrics.render();
    expect(lines(text)).toContain('# TYPE mf_queue_depth gauge');
    expect(samples(text, 'mf_queue_depth').sort()).toEqual(['mf_queue_depth 3', 'mf_queue_depth{queue="b"} 7']);
  });

  it('a gauge with a collector reads it at render time', () => {
    const metrics = createMetrics('mf');
    let inFlight = 4;
    const g = metrics.gauge('messages_in_flight', 'Unacknowledged messages', () => inFlight);
    expect(g.get()).toBe(4);
    expect(samples(metrics.render(), 'mf_messages_in_flight')).toEqual(['mf_messages_in_flight 4']);
    inFlight = 9;
    expect(g.get()).toBe(9);
    expect(samples(metrics.render(), 'mf_messages_in_flight')).toEqual(['mf_messages_in_flight 9']);
  });

  it('a summary renders quantiles, _count and _sum', () => {
    const metrics = createMetrics('mf');
    const s = metrics.summary('produce_seconds', 'Produce latency');
    // 1..9 hundredths, observed out of order: the median is 0.05, the 99th percentile 0.09.
    for (const v of [9, 1, 8, 2, 7, 3, 6, 4, 5]) s.observe(v / 100);
    const text = metrics.render();
    expect(lines(text)).toContain('# TYPE mf_produce_seconds summary');
    const rendered = samples(text, 'mf_produce_seconds');
    expect(rendered).toContain('mf_produce_seconds{quantile="0.5"} 0.05');
    expect(rendered).toContain('mf_produce_seconds{quantile="0.99"} 0.09');
    expect(rendered).toContain('mf_produce_seconds_count 9');
    const sum = rendered.find((l) => l.startsWith('mf_produce_seconds_sum '));
    expect(Number(sum?.split(' ')[1])).toBeCloseTo(0.45, 10);
  });

  it('every line is a HELP, a TYPE or a well-formed sample; each family has one HELP and TYPE, before its samples', () => {
    const metrics = createMetrics('mf');
    metrics.counter('a_total', 'A').inc({ x: 'quote " backslash \\ newline \n end' });
    metrics.gauge('b', 'B', () => 1.5);
    metrics.summary('c_seconds', 'C').observe(0.25);
    const text = metrics.render();
    expect(text.endsWith('\n')).toBe(true);
    const body = lines(text).slice(0, -1);
    const seen = new Map<string, string[]>();
    let current = '';
    for (const line of body) {
      const comment = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.+)$/.exec(line);
      if (comment) {
        const [, kind, name] = comment as unknown as [string, string, string];
        seen.set(name, [...(seen.get(name) ?? []), kind]);
        current = name;
        continue;
      }
      expect(line).toMatch(sampleLine);
      expect(line.startsWith(current)).toBe(true);
    }
    for (const name of ['mf_a_total', 'mf_b', 'mf_c_seconds', 'process_cpu_seconds_total', 'process_resident_memory_bytes']) {
      expect(seen.get(name)).toEqual(['HELP', 'TYPE']);
    }
  });
});
