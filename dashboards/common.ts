import * as barchart from '@grafana/grafana-foundation-sdk/barchart';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as common from '@grafana/grafana-foundation-sdk/common';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as table from '@grafana/grafana-foundation-sdk/table';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';

/**
 * Defaults shared by every meterflow dashboard: the QuestDB datasource (provisioned by
 * deploy/grafana/provisioning/datasources/questdb.yaml: Grafana's PostgreSQL datasource on
 * QuestDB's PG-wire port), a raw-SQL query helper, and panel defaults.
 *
 * QuestDB SQL in panels: `$__timeFilter(ts)` on the designated timestamp (Grafana expands it to
 * `ts BETWEEN '<from>' AND '<to>'`), `SAMPLE BY $__interval ALIGN TO CALENDAR` for time series
 * (panels set a minimum interval of 1m so Grafana never sends `ms`, which SAMPLE BY refuses),
 * the time column aliased `time`. Symbols are compared with `=`; `LIKE` needs `::string`.
 */
export const datasource: common.DataSourceRef = { type: 'grafana-postgresql-datasource', uid: 'meterflow-questdb' };

/** Every meterflow dashboard carries this tag (dashboard lists, links between dashboards). */
export const meterflowTag = 'meterflow';

/** Smallest `$__interval` a time-series panel asks for: QuestDB's SAMPLE BY has no `ms` unit. */
export const minInterval = '1m';

export type SqlFormat = 'time_series' | 'table';

/**
 * A dashboard variable as a quoted SQL string literal: `${name:sqlstring}`, which Grafana
 * renders as `'<value with every ' doubled>'`. QuestDB reads `''` as a quote and treats a
 * backslash as an ordinary character, so no value — one typed into the URL
 * (`?var-meter=x' OR '1'='1`) included — can end the literal. Never write `'$name'`: how
 * Grafana escapes a bare single-value variable differs between its versions and datasources
 * (some insert it raw). test/unit/dashboards checks every panel, and
 * test/integration/dashboards runs hostile values against QuestDB.
 */
export function sqlString(variable: string): string {
  if (!/^\w+$/.test(variable)) throw new Error(`not a variable name: ${variable}`);
  return `\${${variable}:sqlstring}`;
}

/** The PostgreSQL datasource's query model (raw SQL in code mode). */
export interface SqlQuery extends cog.Dataquery {
  refId: string;
  datasource: common.DataSourceRef;
  editorMode: 'code';
  format: SqlFormat;
  rawQuery: true;
  rawSql: string;
}

/** A raw-SQL query for the QuestDB datasource. SQL is trimmed and its indentation removed. */
export function sql(rawSql: string, format: SqlFormat = 'table', refId = 'A'): cog.Builder<cog.Dataquery> {
  const text = rawSql
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
    .join('\n');
  const query: SqlQuery = { refId, datasource, editorMode: 'code', format, rawQuery: true, rawSql: text, _implementsDataqueryVariant() {} };
  return { build: () => query };
}

/** A dashboard with meterflow's defaults: fixed uid, tag, UTC, last 24 h, 1 min refresh, read-only. */
export function meterflowDashboard(uid: string, title: string, description: string): dashboard.DashboardBuilder {
  return new dashboard.DashboardBuilder(title)
    .uid(uid)
    .description(description)
    .tags([meterflowTag])
    .timezone('utc')
    .time({ from: 'now-24h', to: 'now' })
    .refresh('1m')
    .readonly()
    .tooltip(dashboard.DashboardCursorSync.Crosshair);
}

export function defaultTimeseries(title: string): timeseries.PanelBuilder {
  return new timeseries.PanelBuilder().title(title).datasource(datasource).interval(minInterval).height(8).span(12).lineWidth(1).fillOpacity(10).legend(new common.VizLegendOptionsBuilder().showLegend(true).displayMode(common.LegendDisplayMode.List).placement(common.LegendPlacement.Bottom));
}

export function defaultStat(title: string): stat.PanelBuilder {
  return new stat.PanelBuilder().title(title).datasource(datasource).height(8).span(6);
}

export function defaultTable(title: string): table.PanelBuilder {
  return new table.PanelBuilder().title(title).datasource(datasource).height(8).span(12);
}

export function defaultBarchart(title: string, xField: string): barchart.PanelBuilder {
  return new barchart.PanelBuilder().title(title).datasource(datasource).height(8).span(12).xField(xField);
}

/** One row of panels: the unit a dashboard module contributes (foundation-sdk examples style). */
export interface DashboardRow {
  title: string;
  panels: cog.Builder<dashboard.Panel>[];
}

/**
 * Adds rows in order: each row header, then its panels (laid out left to right by their span).
 * Rows and panels get ids 1, 2, … in that order: stable, and unique as Grafana expects.
 */
export function withRows(builder: dashboard.DashboardBuilder, rows: DashboardRow[]): dashboard.DashboardBuilder {
  let id = 0;
  for (const row of rows) {
    builder.withRow(new dashboard.RowBuilder(row.title).id(++id));
    for (const panel of row.panels) {
      const built: dashboard.Panel = { ...panel.build(), id: ++id };
      builder.withPanel({ build: () => built });
    }
  }
  return builder;
}
