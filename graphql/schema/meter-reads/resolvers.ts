import { defaultUnits } from '../../../core/contracts';
import { maxTimestampMs } from '../../../core/contracts/reading-ranges';
import type { StoredRow } from '../../../core/questdb/table-spec';
import { readingsTable, type Reading, type ReadingSource } from '../../../core/streams/readings';
import { sqlColumns } from '../../../core/questdb/table-spec';
import { describeError } from '../../../core/errors';
import { unitFactor } from '../../../core/units/units';
import { maxNoteLength } from '../../commands/command-record';
import type { GraphqlContext } from '../../context';
import { apiError, badInput, notFound } from '../../errors';
import type { MeterRecord } from '../../meters/meter-directory';
import { validateId } from '../arguments';

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

/** Highest register an admin may record: billing's plausibility ceiling (docs/billing.md). */
const maxRegister = 1e12;
/** A read may be stamped a little ahead of this server's clock (the admin's device clock), not more. */
const maxFutureMs = 5 * 60_000;

const storedColumns = sqlColumns(readingsTable, ['register', 'register_unit', 'source']);
type StoredAt = StoredRow<typeof readingsTable, { register: number | null; register_unit: string | null; source: string | null }>;

async function storedAt(context: GraphqlContext, meterId: string, at: Date): Promise<StoredAt | null> {
  const { rows } = await context.questdb.query<StoredAt>(`SELECT ${storedColumns} FROM ${readingsTable.name} WHERE meter_id = $1 AND ts = $2 LIMIT 1`, [meterId, at.toISOString()]);
  return rows[0] ?? null;
}

async function meterOf(context: GraphqlContext, meterId: string): Promise<MeterRecord & { registerUnit: string }> {
  validateId('meterId', meterId);
  const meter = await context.meters.get(meterId);
  if (!meter) throw notFound('meterId', `no meter ${JSON.stringify(meterId)}`);
  const registerUnit = defaultUnits[meter.kind].register;
  if (!registerUnit) throw badInput('meterId', `a ${meter.kind} meter has no register`);
  return { ...meter, registerUnit };
}

function checkAt(at: Date): number {
  const ts = at.getTime();
  if (!Number.isSafeInteger(ts) || ts < 0 || ts > maxTimestampMs) throw badInput('at', 'is outside the range a reading can be stored with');
  if (ts > Date.now() + maxFutureMs) throw badInput('at', 'is in the future');
  return ts;
}

function checkNote(note: string | null | undefined): void {
  if (note != null && note.length > maxNoteLength) throw badInput('note', `must be at most ${maxNoteLength} characters`);
}

/** Puts the read on the readings stream; Kafka not answering is UNAVAILABLE, not a masked error. */
async function send(context: GraphqlContext, meter: MeterRecord, ts: number, register: number, unit: string, source: ReadingSource, replaced: StoredAt | null): Promise<MeterRead> {
  const reading: Reading = { meterId: meter.meterId, kind: meter.kind, ts, value: null, valueUnit: '', register, registerUnit: unit, seq: null, sector: meter.sector, receivedAt: Date.now(), source };
  try {
    await context.manualReads.send(reading);
  } catch (error) {
    context.logger.warn('manual read not sent', { meterId: meter.meterId, error: describeError(error) });
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

const audited = (operation: string, args: { meterId: string; idempotencyKey?: string | null }, context: GraphqlContext, execute: () => Promise<MeterRead>) =>
  context.mutations.run(
    context,
    {
      operation,
      target: args.meterId,
      args,
      idempotencyKey: args.idempotencyKey ?? null,
      toRecord: (read: MeterRead) => ({ ...read, at: read.at.toISOString() }),
      fromRecord: async (record) => {
        const r = record as Omit<MeterRead, 'at'> & { at: string };
        return { ...r, at: new Date(r.at) };
      },
    },
    execute,
  );

export const meterReadsResolvers = {
  Mutation: {
    recordMeterRead: (_: unknown, args: RecordArgs, context: GraphqlContext) =>
      audited('recordMeterRead', args, context, async () => {
        const meter = await meterOf(context, args.meterId);
        const ts = checkAt(args.at);
        if (!Number.isFinite(args.register) || args.register < 0 || args.register > maxRegister) throw badInput('register', `must be between 0 and ${maxRegister}`);
        const unit = args.unit ?? meter.registerUnit;
        if (unitFactor(unit, meter.registerUnit) === null) throw badInput('unit', `"${unit}" does not convert to ${meter.registerUnit}, the register unit of a ${meter.kind} meter`);
        checkNote(args.note);
        return send(context, meter, ts, args.register, unit, args.estimated ? 'estimated' : 'manual', await storedAt(context, meter.meterId, args.at));
      }),
    acceptMeterRead: (_: unknown, args: AcceptArgs, context: GraphqlContext) =>
      audited('acceptMeterRead', args, context, async () => {
        const meter = await meterOf(context, args.meterId);
        const ts = checkAt(args.at);
        checkNote(args.note);
        const stored = await storedAt(context, meter.meterId, args.at);
        if (!stored) throw notFound('at', `no reading of meter ${meter.meterId} at ${args.at.toISOString()}`);
        if (stored.register === null) throw badInput('at', 'that reading has no register value');
        return send(context, meter, ts, stored.register, stored.register_unit || meter.registerUnit, 'manual', stored);
      }),
  },
};
