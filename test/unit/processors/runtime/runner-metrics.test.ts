import { createMetrics } from '../../../../core/metrics';
import { runnerMetrics } from '../../../../processors/runtime/runner-metrics';

/** Series keys (name + labels) of a Prometheus text page, and the names that had a TYPE line. */
export function exposition(text: string): { samples: string[]; typed: string[] } {
  const samples: string[] = [];
  const typed: string[] = [];
  for (const line of text.split('\n')) {
    if (line.startsWith('# TYPE ')) typed.push(line.split(' ')[2]!);
    else if (line !== '' && !line.startsWith('#')) samples.push(line.slice(0, line.lastIndexOf(' ')));
  }
  return { samples, typed };
}

const duplicates = (list: string[]) => list.filter((x, i) => list.indexOf(x) !== i);

describe('processor runner metrics', () => {
  it('three runners in one process: every series once, each sample labelled with its processor', async () => {
    const metrics = createMetrics('meterflow_processors');
    for (const name of ['rolling-averages', 'alerts', 'billing']) {
      const m = runnerMetrics(metrics);
      m.processed.inc({ processor: name }, 10);
      m.emitted.inc({ processor: name, table: 'alerts' });
      m.stateKeys.set(5, { processor: name });
      m.watermarkLag.set(1.5, { processor: name });
      m.flushDuration.observe(0.01, { processor: name });
      m.flushDuration.observe(0.03, { processor: name });
    }
    const { samples, typed } = exposition(await metrics.render());
    expect(duplicates(samples)).toEqual([]);
    expect(duplicates(typed)).toEqual([]);
    for (const name of ['rolling-averages', 'alerts', 'billing']) {
      expect(samples).toEqual(expect.arrayContaining([
        `meterflow_processors_rows_emitted_total{processor="${name}",table="alerts"}`,
        `meterflow_processors_state_keys{processor="${name}"}`,
        `meterflow_processors_watermark_lag_seconds{processor="${name}"}`,
        `meterflow_processors_flush_duration_seconds_bucket{le="0.05",processor="${name}"}`,
        `meterflow_processors_flush_duration_seconds_count{processor="${name}"}`,
      ]));
    }
    // Two flushes of 10 and 30 ms each: both within 50 ms, none within 5 ms.
    const text = await metrics.render();
    expect(text).toContain('meterflow_processors_flush_duration_seconds_bucket{le="0.005",processor="billing"} 0\n');
    expect(text).toContain('meterflow_processors_flush_duration_seconds_bucket{le="0.05",processor="billing"} 2\n');
    // No sample without its processor among the runner series.
    expect(samples.filter((s) => /state_keys|watermark_lag|flush|rows_emitted/.test(s) && !s.includes('processor="'))).toEqual([]);
  });
});
