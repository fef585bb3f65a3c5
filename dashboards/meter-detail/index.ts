import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { meterflowDashboard, withRows } from '../common';
import { readingsRow } from './readings';
import { recordsRow } from './records';
import { meterVariable } from './variables';

export const meterDetailUid = 'meterflow-meter-detail';

export function meterDetail(): dashboard.Dashboard {
  const builder = meterflowDashboard(meterDetailUid, 'Meter detail', 'One meter: its readings and register, rolling averages, alerts and invoices.').withVariable(meterVariable());
  return withRows(builder, [readingsRow, recordsRow]).build();
}
