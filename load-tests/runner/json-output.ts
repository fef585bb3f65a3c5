import { writeFile } from 'node:fs/promises';
import type { RunResult } from './run-result';

/**
 * `--out json=<file>`: the run's time buckets as JSON lines, after k6's JSON output
 * (https://grafana.com/docs/k6/latest/results-output/real-time/json/), one object per line.
 * First one `Metric` line per metric (or submetric) that has a bucket:
 *
 *   {"type":"Metric","metric":"mqtt_puback_latency","data":{"name":"mqtt_puback_latency","type":"trend","contains":"time","tainted":null,"thresholds":["p(99)<500"],"submetrics":null}}
 *
 * then one `Point` per bucket, metric and statistic of the bucket (aggregated, unlike k6's
 * raw samples): `time` is the bucket's start, `value` the bucket's own statistic, `tags.stat`
 * names it (count rate value avg p(50) p(90) p(99) max, see TimeBucket in run-result.ts),
 * `tags.bucket_ms` the bucket length; a submetric's points carry its filter as tags
 * (`e2e_stored_latency{kind:water}` → metric e2e_stored_latency, tags.kind "water"):
 *
 *   {"type":"Point","metric":"mqtt_puback_latency","data":{"time":"2026-12-01T10:00:01.000Z","value":8.1,"tags":{"stat":"p(99)","bucket_ms":"1000"}}}
 */
export function renderJsonLines(result: RunResult): string[] {
  const start = Date.parse(result.summary.meterflow.startedAt);
  const lines: string[] = [];
  const declared = new Set<string>();
  for (const bucket of result.series) {
    for (const key of Object.keys(bucket.metrics)) {
      if (declared.has(key)) continue;
      declared.add(key);
      const { name } = splitKey(key);
      const s = result.summary.metrics[key] ?? result.summary.metrics[name];
      lines.push(
        JSON.stringify({
          type: 'Metric',
          metric: key,
          data: { name: key, type: s?.type ?? 'counter', contains: s?.contains ?? 'default', tainted: null, thresholds: Object.keys(result.summary.metrics[key]?.thresholds ?? {}), submetrics: null },
        }),
      );
    }
  }
  for (const bucket of result.series) {
    const time = new Date(start + bucket.t).toISOString();
    for (const [key, stats] of Object.entries(bucket.metrics)) {
      const { name, filter } = splitKey(key);
      for (const [stat, value] of Object.entries(stats)) {
        if (value === undefined) continue;
        lines.push(JSON.stringify({ type: 'Point', metric: name, data: { time, value, tags: { ...filter, stat, bucket_ms: String(bucket.ms) } } }));
      }
    }
  }
  return lines;
}

export async function writeJsonOutput(file: string, result: RunResult): Promise<void> {
  const lines = renderJsonLines(result);
  await writeFile(file, lines.length ? `${lines.join('\n')}\n` : '');
}

function splitKey(key: string): { name: string; filter: Record<string, string> } {
  const brace = key.indexOf('{');
  if (brace < 0) return { name: key, filter: {} };
  const filter: Record<string, string> = {};
  for (const part of key.slice(brace + 1, -1).split(',')) {
    const colon = part.indexOf(':');
    if (colon > 0) filter[part.slice(0, colon).trim()] = part.slice(colon + 1).trim().replace(/^(["'])(.*)\1$/, '$2');
  }
  return { name: key.slice(0, brace), filter };
}
