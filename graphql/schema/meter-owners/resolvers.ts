import { writeTableRow } from '../../../core/questdb/write-table-row';
import { meterOwnerChangeToRow, type MeterOwnerChange } from '../../../core/streams/meter-owners';
import { isLocalDate, localDate } from '../../../core/time/local-days';
import type { GraphqlContext } from '../../context';
import { badInput, notFound } from '../../errors';
import { ownerChangesOf } from '../../meters/owner-changes';
import { validateId } from '../arguments';
import { saveRecord, requireRegistered } from '../meter-registry/registry-records';
import { validateNote } from '../register-arguments';

interface ChangeOwnerArgs {
  meterId: string;
  customerId?: string | null;
  from: string;
  note?: string | null;
  idempotencyKey?: string | null;
}

interface OwnerChangeView extends Omit<MeterOwnerChange, 'declaredAt'> {
  declaredAt: Date;
}

const view = (c: MeterOwnerChange): OwnerChangeView => ({ ...c, declaredAt: new Date(c.declaredAt) });

async function changeMeterOwner(args: ChangeOwnerArgs, context: GraphqlContext): Promise<OwnerChangeView> {
  validateId('meterId', args.meterId);
  if (args.customerId != null) validateId('customerId', args.customerId);
  validateNote(args.note);
  const meter = await requireRegistered(context, args.meterId);
  const zone = meter.timeZone ?? context.billingTimeZone;
  const today = localDate(Date.now(), zone);
  if (!isLocalDate(args.from) || args.from < '1970-01-01') throw badInput('from', `"${args.from.slice(0, 40)}" must be a YYYY-MM-DD calendar date from 1970 on`);
  if (args.from > today) throw badInput('from', `${args.from} is after today (${today} in ${zone}): record a move on or after its day`);
  return context.mutations.exclusive(`owner:${meter.meterId}`, async () => {
    const known = (await ownerChangesOf(context, [meter.meterId])).get(meter.meterId)!.filter((c) => c.from !== args.from);
    const before = known.filter((c) => c.from < args.from).at(-1);
    // The owner before: the change before it, else who the first later change says was there, else the registry's.
    const previousCustomerId = before ? before.customerId : (known[0]?.previousCustomerId ?? meter.customerId);
    const change: MeterOwnerChange = {
      meterId: meter.meterId,
      from: args.from,
      customerId: args.customerId ?? null,
      previousCustomerId,
      note: args.note ?? null,
      declaredBy: context.principal.subject,
      declaredAt: Date.now(),
    };
    await context.mutations.write((w) => writeTableRow(w, meterOwnerChangeToRow(change)));
    context.recentWrites.ownerChanges.set(`${change.meterId}@${change.from}`, change);
    // The registry's customer (who may read the meter now) follows the owner in force today.
    const current = [...known, change].sort((a, b) => (a.from < b.from ? -1 : 1)).at(-1)!.customerId;
    if (current !== meter.customerId) await saveRecord(context, { ...meter, customerId: current }, context.principal.subject);
    return view(change);
  });
}

export const meterOwnersResolvers = {
  Mutation: {
    changeMeterOwner: (_: unknown, args: ChangeOwnerArgs, context: GraphqlContext) =>
      context.mutations.run(
        context,
        {
          operation: 'changeMeterOwner',
          target: args.meterId,
          args,
          idempotencyKey: args.idempotencyKey ?? null,
          toRecord: (c: OwnerChangeView) => ({ ...c, declaredAt: c.declaredAt.toISOString() }),
          fromRecord: async (record) => {
            const r = record as Omit<OwnerChangeView, 'declaredAt'> & { declaredAt: string };
            if (typeof r.meterId !== 'string') throw notFound('meterId', 'the change of this earlier request is no longer known');
            return { ...r, declaredAt: new Date(r.declaredAt) };
          },
        },
        () => changeMeterOwner(args, context),
      ),
  },
  Meter: {
    ownerChanges: async (m: { meterId: string }, _: unknown, context: GraphqlContext) => {
      const all = (await ownerChangesOf(context, [m.meterId])).get(m.meterId)!;
      const me = context.principal.role === 'customer' ? context.principal.customerId : undefined;
      return (me === undefined ? all : all.filter((c) => c.customerId === me || c.previousCustomerId === me)).map(view);
    },
  },
};
