import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { datasource } from '../common';

/** The meter shown: every meter with a stored reading. */
export function meterVariable(): dashboard.QueryVariableBuilder {
  const query = 'SELECT DISTINCT meter_id FROM readings ORDER BY meter_id';
  return new dashboard.QueryVariableBuilder('meter')
    .label('Meter')
    .datasource(datasource)
    .query(query)
    .refresh(dashboard.VariableRefresh.OnDashboardLoad)
    .sort(dashboard.VariableSort.AlphabeticalAsc);
}
