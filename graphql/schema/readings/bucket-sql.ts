import { readingsTable } from '../../../core/streams/readings';
import { badInput } from '../../errors';

/** Bucket sizes of series and rollups; the value is the SAMPLE BY unit and the rollups' bucket symbol. */
export const bucketUnits = {
  MINUTE_1: '1m',
  MINUTE_5: '5m',
  MINUTE_15: '15m',
  HOUR_1: '1h',
  DAY_1: '1d',
} as const;
export type Bucket = keyof typeof bucketUnits;

/** Nominal lengths, to bound the number of buckets a query may return (a local day may be 23-25 h). */
export const bucketMs: Record<Bucket, number> = { MINUTE_1: 60_000, MINUTE_5: 300_000, MINUTE_15: 900_000, HOUR_1: 3_600_000, DAY_1: 86_400_000 };

export const aggregates = ['AVG', 'SUM', 'MIN', 'MAX', 'COUNT', 'LAST'] as const;
export type Aggregate = (typeof aggregates)[number];

const rd = readingsTable.columns;

export const quantities = { VALUE: rd.value, REGISTER: rd.register } as const;
export type Quantity = keyof typeof quantities;

const aggregateSql: Record<Aggregate, (column: string) => string> = {
  AVG: (c) => `avg(${c})`,
  SUM: (c) => `sum(${c})`,
  MIN: (c) => `min(${c})`,
  MAX: (c) => `max(${c})`,
  COUNT: (c) => `count(${c})`,
  // last() would return a trailing null; the last value the meter actually sent is wanted.
  LAST: (c) => `last_not_null(${c})`,
};

/**
 * The bucketed series of one meter. SAMPLE BY takes no bind parameter, so the unit and the
 * aggregate are inlined from the enums above (never from client text); meter, range and zone
 * are binds ($1 meter, $2 from, $3 to, $4 time zone). Only buckets with readings are returned.
 */
/** `clamp`: an extra condition on ts (a customer's ownership intervals), with its parameters from $5 on. */
export function readingSeriesSql(bucket: Bucket, aggregate: Aggregate, quantity: Quantity, clamp: string | null = null): string {
  const unit = bucketUnits[bucket];
  const agg = aggregateSql[aggregate];
  const column = quantities[quantity];
  if (!unit || !agg || !column) throw new Error(`readingSeriesSql: unknown bucket/aggregate/quantity ${bucket}/${aggregate}/${quantity}`);
  return `SELECT ${rd.ts}, ${agg(column)} value, count(${column}) n FROM readings WHERE ${rd.meter_id} = $1 AND ${rd.ts} >= $2 AND ${rd.ts} < $3${clamp ? ` AND ${clamp}` : ''} SAMPLE BY ${unit} ALIGN TO CALENDAR TIME ZONE $4`;
}

/** The number of buckets a range spans must stay within `maxBuckets` (errors name `field`). */
export function validateBucketCount(field: string, bucket: Bucket, from: Date, to: Date, maxBuckets: number): void {
  const n = Math.ceil((to.getTime() - from.getTime()) / bucketMs[bucket]) + 1;
  if (n > maxBuckets) throw badInput(field, `${bucket} over this range gives up to ${n} buckets, more than the server's ${maxBuckets} (MF_GRAPHQL_MAX_ROWS); use a larger bucket or a shorter range`);
}
