import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { billing } from './billing';
import { fleetOverview } from './fleet-overview';
import { leaksAndAlerts } from './leaks-and-alerts';
import { meterDetail } from './meter-detail';
import { pipelineHealth } from './pipeline-health';

/** Every meterflow dashboard, in the order Grafana lists them. */
export function allDashboards(): dashboard.Dashboard[] {
  return [fleetOverview(), meterDetail(), leaksAndAlerts(), billing(), pipelineHealth()];
}

/** The provisioning file content of a dashboard: stable 2-space JSON with a trailing newline. */
export function dashboardJson(d: dashboard.Dashboard): string {
  return `${JSON.stringify(d, withoutIntervalFields, 2)}\n`;
}

// The SDK writes interval-variable settings (auto, auto_min, auto_count) on every variable;
// Grafana's schema has them on interval variables only.
function withoutIntervalFields(this: unknown, key: string, value: unknown): unknown {
  const owner = this as { type?: unknown };
  if ((key === 'auto' || key === 'auto_min' || key === 'auto_count') && owner.type !== 'interval') return undefined;
  return value;
}

/** A panel's raw-SQL query, with where it sits: what the tests check and run. */
export interface PanelQuery {
  dashboardUid: string;
  panelId: number | undefined;
  panelTitle: string;
  panelType: string;
  datasourceUid: string | undefined;
  refId: string | undefined;
  format: string | undefined;
  rawSql: string | undefined;
}

/** Every query of every non-row panel of `d` (a panel with no target yields one entry with no SQL). */
export function panelQueries(d: dashboard.Dashboard): PanelQuery[] {
  // Annotation queries run on the same datasource and must hold to the same checks.
  const annotations = (d.annotations?.list ?? [])
    .filter((a) => a.target !== undefined)
    .map((a) => {
      const t = a.target as unknown as { refId?: string; format?: string; rawSql?: string };
      return { dashboardUid: d.uid ?? '', panelId: undefined, panelTitle: `annotation: ${a.name}`, panelType: 'annotation', datasourceUid: a.datasource?.uid, refId: t.refId, format: t.format, rawSql: t.rawSql };
    });
  return [...annotations, ...panelsQueries(d)];
}

function panelsQueries(d: dashboard.Dashboard): PanelQuery[] {
  return (d.panels ?? []).flatMap((p) => {
    if (p.type === 'row') return [];
    const panel = p as dashboard.Panel;
    const targets = (panel.targets ?? []) as unknown as { refId?: string; format?: string; rawSql?: string; datasource?: { uid?: string } }[];
    const base = { dashboardUid: d.uid ?? '', panelId: panel.id, panelTitle: panel.title ?? '', panelType: panel.type, datasourceUid: panel.datasource?.uid };
    if (targets.length === 0) return [{ ...base, refId: undefined, format: undefined, rawSql: undefined }];
    return targets.map((t) => ({ ...base, datasourceUid: t.datasource?.uid ?? base.datasourceUid, refId: t.refId, format: t.format, rawSql: t.rawSql }));
  });
}
