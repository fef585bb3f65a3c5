import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { meterflowDashboard, withRows } from '../common';
import { lossesRow } from './losses';
import { timelineRow } from './timeline';

export const leaksAndAlertsUid = 'meterflow-leaks-and-alerts';

export function leaksAndAlerts(): dashboard.Dashboard {
  const builder = meterflowDashboard(leaksAndAlertsUid, 'Leaks & alerts', 'Alert transitions from leak detection and the rule engine, and the losses they estimate.');
  return withRows(builder, [timelineRow, lossesRow]).build();
}
