import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { meterflowDashboard, withRows } from '../common';
import { alertsRow } from './alerts';
import { consumptionRow } from './consumption';
import { ingestionRow } from './ingestion';

export const fleetOverviewUid = 'meterflow-fleet-overview';

export function fleetOverview(): dashboard.Dashboard {
  const builder = meterflowDashboard(fleetOverviewUid, 'Fleet overview', 'The whole fleet: ingestion rate, active meters, consumption by sector, top consumers and open alerts.');
  return withRows(builder, [ingestionRow, consumptionRow, alertsRow]).build();
}
