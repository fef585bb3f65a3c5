import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import { datasource, sqlString } from '../common';

/** The chosen meter as a SQL string literal (`${meter:sqlstring}`); see sqlString. */
export const meter = sqlString('meter');

/** Grafana variable regex: what core/contracts/wire-fields.ts accepts as a meter id (idPattern, maxIdLength). */
export const meterIdRegex = '/^([A-Za-z0-9._:-]{1,64})$/';

/** The meter shown: every meter with a stored reading. */
export function meterVariable(): dashboard.QueryVariableBuilder {
  const query = 'SELECT DISTINCT meter_id FROM readings ORDER BY meter_id';
  return new dashboard.QueryVariableBuilder('meter')
    .label('Meter')
    .datasource(datasource)
    .query(query)
    // Only ids the bridge accepts are offered (a hostile id stored before validation cannot
    // reach a panel through the picker), and no typed-in value. The SQL quoting is the guard
    // for values from the URL.
    // Meter ids as core/contracts/wire-fields.ts defines them (a unit test keeps the two equal).
    .regex(meterIdRegex)
    .allowCustomValue(false)
    .refresh(dashboard.VariableRefresh.OnDashboardLoad)
    .sort(dashboard.VariableSort.AlphabeticalAsc);
}
