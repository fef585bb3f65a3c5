import type { StoredRow } from '../../../core/questdb/table-spec';
import { sqlColumns } from '../../../core/questdb/table-spec';
import { readingsTable, type Reading, type ReadingSource } from '../../../core/streams/readings';
import type { GraphqlContext } from '../../context';
import { apiError, badInput, notFound } from '../../errors';
import type { MeterRecord } from '../../meters/meter-directory';
import { registerMeterOf, registerUnitOf, runMeterChange, validateNote, validateRegisterInstant, validateRegisterValue } from '../register-arguments';

/** What a mutation returns (and the audit log keeps). */
interface MeterRead {
  meterId: string;
  at: Date;
  register: number;
  unit: string;
  source: 'MANUAL' | 'ESTIMATED';
  replaced: number | null;
  replacedUnit: string | null;
}

const storedColumns = sqlColumns(readingsTable, ['register', 'register_unit', 'source']);
type StoredAt = StoredRow<typeof readingsTable, { register: number | null; register_unit: string | null; source: string | null }>;

async function storedAt(context: GraphqlContext, meterId: string, at: Date): Promise<StoredAt | null> {
  const { rows } = await context.questdb.query<StoredAt>(`SELECT ${storedColumns} FROM ${readingsTable.name} WHERE meter_id = $1 AND ts = $2 LIMIT 1`, [meterId, at.toISOString()]);
  return rows[0] ?? null;
}

/** Puts the read on the readings stream; Kafka not answering is UNAVAILABLE, not a masked error. */
async function send(context: GraphqlContext, meter: MeterRecord, ts: number, register: number, unit: string, source: ReadingSource, replaced: StoredAt | null): Promise<MeterRead> {
  const reading: Reading = { meterId: meter.meterId, kind: meter.kind, ts, value: null, valueUnit: '', register, registerUnit: unit, seq: null, sector: meter.sector, receivedAt: Date.now(), source };
  try {
    await context.manualReads.send(reading);
  } catch (error) {
    context.logger.warn('manual read not sent', { meterId: meter.meterId, error });
    throw apiError('UNAVAILABLE', 'Kafka did not take the read; retry later');
  }
  return { meterId: meter.meterId, at: new Date(ts), register, unit, source: source === 'manual' ? 'MANUAL' : 'ESTIMATED', replaced: replaced?.register ?? null, replacedUnit: replaced?.register_unit ?? null };
}

interface RecordArgs {
  meterId: string;
  at: Date;
  register: number;
  unit?: string | null;
  estimated?: boolean | null;
  note?: string | null;
  idempotencyKey?: string | null;
}

interface AcceptArgs {
  meterId: string;
  at: Date;
  note?: string | null;
  idempotencyKey?: string | null;
}

export const meterReadsResolvers = {
  Mutation: {
    recordMeterRead: (_: unknown, args: RecordArgs, context: GraphqlContext) =>
      runMeterChange('recordMeterRead', args, context, async () => {
        const meter = await registerMeterOf(context, args.meterId);
        const ts = validateRegisterInstant('at', args.at);
        validateRegisterValue('register', args.register);
        const unit = registerUnitOf(meter, args.unit);
        validateNote(args.note);
        return send(context, meter, ts, args.register, unit, args.estimated ? 'estimated' : 'manual', await storedAt(context, meter.meterId, args.at));
      }),
    acceptMeterRead: (_: unknown, args: AcceptArgs, context: GraphqlContext) =>
      runMeterChange('acceptMeterRead', args, context, async () => {
        const meter = await registerMeterOf(context, args.meterId);
        const ts = validateRegisterInstant('at', args.at);
        validateNote(args.note);
        const stored = await storedAt(context, meter.meterId, args.at);
        if (!stored) throw notFound('at', `no reading of meter ${meter.meterId} at ${args.at.toISOString()}`);
        if (stored.register === null) throw badInput('at', 'that reading has no register value');
        return send(context, meter, ts, stored.register, stored.register_unit || meter.registerUnit, 'manual', stored);
      }),
  },
};
