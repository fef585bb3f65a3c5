/**
 * What Grafana's PostgreSQL datasource does to a panel's SQL before sending it (Grafana 11:
 * pkg/tsdb/grafana-postgresql-datasource macros + the frontend's template interpolation), for
 * tests that run the dashboards' SQL against QuestDB:
 *   $__timeFilter(col) → col BETWEEN '<from ISO>' AND '<to ISO>'
 *   $__timeFrom() / $__timeTo() → '<from ISO>' / '<to ISO>'
 *   $__interval_ms → milliseconds; $__interval → e.g. 1m, 1h, 1d
 *   ${var:sqlstring} → '<value, each ' doubled>' (Grafana's sqlstring format)
 *   $var / ${var} / [[var]] → the variable's value as it is (single value, no quoting)
 */
export interface GrafanaQueryContext {
  from: Date;
  to: Date;
  intervalMs: number;
  variables?: Record<string, string>;
}

/** Grafana's interval text: the largest unit that divides it exactly (1d, 1h, 1m, 30s, 500ms). */
export function intervalText(ms: number): string {
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** Grafana sends RFC 3339 times in UTC, to the second. */
function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function expandGrafanaMacros(sql: string, ctx: GrafanaQueryContext): string {
  const from = rfc3339(ctx.from);
  const to = rfc3339(ctx.to);
  let out = sql
    .replace(/\$__timeFilter\(\s*([^)]+?)\s*\)/g, (_m, col: string) => `${col} BETWEEN '${from}' AND '${to}'`)
    .replace(/\$__timeFrom\(\)/g, `'${from}'`)
    .replace(/\$__timeTo\(\)/g, `'${to}'`)
    .replace(/\$__interval_ms\b/g, String(ctx.intervalMs))
    .replace(/\$__interval\b/g, intervalText(ctx.intervalMs));
  for (const [name, value] of Object.entries(ctx.variables ?? {})) {
    // ${name:sqlstring}: Grafana doubles every ' and quotes the value (its documented format).
    out = out.replace(new RegExp(`\\$\\{${name}:sqlstring\\}`, 'g'), () => `'${value.replace(/'/g, "''")}'`);
    // A bare reference is inserted as it is: what older Grafana SQL datasources do with a
    // single-value variable, the worst case a dashboard must survive.
    out = out.replace(new RegExp(`\\$\\{${name}\\}|\\[\\[${name}\\]\\]|\\$${name}\\b`, 'g'), () => value);
  }
  const left = /\$__\w+|\$\{?\w+/.exec(out);
  if (left) throw new Error(`unexpanded Grafana macro or variable ${left[0]} in: ${out}`);
  return out;
}
