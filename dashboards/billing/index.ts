import type * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { meterflowDashboard, withRows } from '../common';
import { invoicedRow } from './invoiced';
import { linesRow } from './lines';
import { runningRow } from './running';

export const billingUid = 'meterflow-billing';

export function billing(): dashboard.Dashboard {
  const builder = meterflowDashboard(billingUid, 'Billing', 'Invoiced volume and revenue per billing period (final bills and adjustments), invoice lines by tier, and the running periods\' projected bills.').time({ from: 'now-1y', to: 'now' });
  return withRows(builder, [invoicedRow, linesRow, runningRow]).build();
}
