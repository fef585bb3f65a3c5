import { idPattern, maxIdLength } from '../../../core/contracts';
import type { GraphqlContext } from '../../context';
import { badInput } from '../../errors';

interface ReadingsArgs {
  meterId: string;
  from: Date;
  to: Date;
  limit: number;
}

interface ReadingRow {
  ts: Date;
  meter_id: string;
  kind: string;
  value: number | null;
  value_unit: string | null;
  register: number | null;
  register_unit: string | null;
  seq: string | number | null;
  sector: string | null;
  received_at: Date | null;
}

/** Query.readings: validated arguments, one parameterised QuestDB query (interval scan on the designated timestamp). */
export async function resolveReadings(_: unknown, args: ReadingsArgs, context: GraphqlContext) {
  if (args.meterId.length === 0 || args.meterId.length > maxIdLength || !idPattern.test(args.meterId)) {
    throw badInput('meterId', `must be 1-${maxIdLength} characters of [A-Za-z0-9._:-]`);
  }
  if (args.from.getTime() >= args.to.getTime()) throw badInput('from', 'must be before "to"');
  if (!Number.isInteger(args.limit) || args.limit < 1 || args.limit > context.limits.maxRows) {
    throw badInput('limit', `must be between 1 and ${context.limits.maxRows}`);
  }
  const result = await context.questdb.query<ReadingRow>(
    `SELECT ts, meter_id, kind, value, value_unit, register, register_unit, seq, sector, received_at
       FROM readings
      WHERE meter_id = $1 AND ts >= $2 AND ts < $3
      ORDER BY ts
      LIMIT $4`,
    [args.meterId, args.from.toISOString(), args.to.toISOString(), args.limit],
  );
  return result.rows.map((row) => ({
    meterId: row.meter_id,
    kind: row.kind,
    ts: row.ts,
    value: row.value,
    valueUnit: row.value_unit,
    register: row.register,
    registerUnit: row.register_unit,
    seq: row.seq === null ? null : Number(row.seq),
    sector: row.sector,
    receivedAt: row.received_at,
  }));
}
