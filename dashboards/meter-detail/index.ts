import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { alertsTable } from '../../core/streams/alerts';
import { datasource, meterflowDashboard, sql, withRows } from '../common';
import { edgeStatisticsRow } from './edge-statistics';
import { readingsRow } from './readings';
import { recordsRow } from './records';
import { savingsRow } from './savings';
import { meter, meterVariable } from './variables';

const al = alertsTable.columns;

export const meterDetailUid = 'meterflow-meter-detail';

export function meterDetail(): dashboard.Dashboard {
  const builder = meterflowDashboard(meterDetailUid, 'Meter detail', 'One meter: its readings and register, rolling averages, edge statistics (min/max band and mean), alerts (also as annotations on every graph), block history and invoices, use by hour of day (what the savings recommendations read).')
    .withVariable(meterVariable())
    .annotation(alertAnnotations());
  return withRows(builder, [readingsRow, edgeStatisticsRow, recordsRow, savingsRow]).build();
}

/** The meter's alerts as regions (start to end, or to now while open) on every time series. */
function alertAnnotations(): dashboard.AnnotationQueryBuilder {
  return new dashboard.AnnotationQueryBuilder()
    .name('Alerts')
    .datasource(datasource)
    .enable(true)
    .iconColor('red')
    .target(
      sql(
        `SELECT ${al.started_at} AS time, coalesce(${al.ended_at}, now()) AS timeend, concat(${al.rule}, ' (', ${al.severity}, ', ', ${al.state}, ')') AS text, ${al.rule_kind} AS tags
        FROM alerts
        WHERE ${al.meter_id} = ${meter} AND $__timeFilter(${al.started_at})
        LATEST ON ${al.ts} PARTITION BY ${al.alert_id}`,
      ),
    );
}

