import { readingsTable } from '../../core/streams/readings';
import { defaultBarchart, sql, type DashboardRow } from '../common';
import { meter } from './variables';

const rd = readingsTable.columns;

/**
 * What the savings recommendations read (docs/recommendations.md), as SQL can show it: the
 * meter's mean and lowest rate by hour of day over the time range. Tall bars in the peak hours
 * are the load a TOU_SHIFT moves; the lowest bars are the always-on floor (STANDBY) — or, on a
 * water meter, a leak that never stops. The recommendations themselves, priced with the
 * meter's tariff, are the GraphQL field `meter(id) { recommendations { … } }`: they need the
 * tariff (dated bands, blocks), which is not in SQL.
 */
export const savingsRow: DashboardRow = {
  title: 'Savings',
  panels: [
    defaultBarchart('Use by hour of day, UTC ($meter)', 'hour')
      .description(
        'Mean and lowest instantaneous rate (kW, L/min) per hour of day (UTC) over the time range. Peak-hour bars: load to shift to cheaper hours; the lowest bars: the always-on floor (a leak on a water meter). The savings in money, priced with the meter\'s tariff and with the computation shown: GraphQL `meter(id) { recommendations { kind title savingPerYear computation } }` (docs/recommendations.md).',
      )
      .span(24)
      .withTarget(
        sql(
          `SELECT hour(${rd.ts}) AS hour, avg(${rd.value}) AS mean, min(${rd.value}) AS lowest
          FROM readings
          WHERE ${rd.meter_id} = ${meter} AND $__timeFilter(${rd.ts}) AND ${rd.value} != null
          ORDER BY hour`,
        ),
      ),
  ],
};
