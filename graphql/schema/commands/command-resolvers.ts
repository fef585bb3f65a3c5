import { requireMeterAccess } from '../../auth/authorize';
import { commandIdFor } from '../../commands/command-id';
import { maxNoteLength } from '../../commands/command-record';
import type { BlockReason, CommandView } from '../../commands/command-service';
import { isFinal } from '../../commands/command-view';
import type { GraphqlContext } from '../../context';
import { badInput, notFound } from '../../errors';
import { validateId, validatePageSize } from '../arguments';

interface SwitchArgs {
  meterId: string;
  reason?: BlockReason;
  note?: string | null;
  waitMs: number;
  idempotencyKey?: string | null;
}

/** Arguments checked before anything is sent; each failure names its argument. */
function validateSwitch(context: GraphqlContext, args: SwitchArgs): void {
  const max = context.commandSettings.maxWaitMs;
  if (!Number.isInteger(args.waitMs) || args.waitMs < 0 || args.waitMs > max) throw badInput('waitMs', `must be between 0 and ${max} (MF_GRAPHQL_MAX_WAIT_MS)`);
  if (args.note != null && args.note.length > maxNoteLength) throw badInput('note', `must be at most ${maxNoteLength} characters`);
}

const settle = (context: GraphqlContext, view: CommandView, waitMs: number) =>
  waitMs > 0 && !isFinal(view.state) ? context.commands.waitForFinal(view.commandId, waitMs) : Promise.resolve(view);

/** blockMeter / unblockMeter: through mutation support (admin check, audit, idempotency), then the command service. */
function switchMeter(operation: 'blockMeter' | 'unblockMeter', type: 'block' | 'unblock') {
  return (_: unknown, args: SwitchArgs, context: GraphqlContext): Promise<CommandView> => {
    const idempotencyKey = args.idempotencyKey ?? null;
    const commandId = commandIdFor(context.principal.subject, operation, idempotencyKey);
    return context.mutations.run<CommandView>(
      context,
      {
        operation,
        target: args.meterId,
        args: { meterId: args.meterId, ...(type === 'block' ? { reason: args.reason } : {}), note: args.note ?? null, waitMs: args.waitMs },
        idempotencyKey,
        toRecord: (view) => ({ commandId: view.commandId }),
        async fromRecord(record) {
          const id = (record as { commandId?: unknown } | null)?.commandId;
          const view = typeof id === 'string' ? await context.commands.get(id) : null;
          if (!view) throw notFound('idempotencyKey', 'the command of this key is not known (yet); retry shortly');
          return settle(context, view, args.waitMs);
        },
      },
      async () => {
        validateSwitch(context, args);
        await requireMeterAccess(context, args.meterId);
        const issued = await context.commands.issue({
          commandId,
          meterId: args.meterId,
          type,
          reason: type === 'block' ? (args.reason ?? null) : null,
          note: args.note ?? null,
          issuedBy: context.principal.subject,
          ttlS: context.commandSettings.ttlS,
        });
        return settle(context, issued, args.waitMs);
      },
    );
  };
}

const isCustomer = (context: GraphqlContext) => context.principal.role === 'customer';

export const commandResolvers = {
  Query: {
    async commands(_: unknown, args: { meterId: string; first: number }, context: GraphqlContext) {
      validatePageSize('first', args.first, context.limits.maxPageSize);
      await requireMeterAccess(context, args.meterId);
      return context.commands.list(args.meterId, args.first);
    },
    async command(_: unknown, args: { id: string }, context: GraphqlContext) {
      validateId('id', args.id);
      const view = await context.commands.get(args.id);
      if (!view) return null;
      // The command's meter decides who may see it (a customer: only their own).
      if (context.principal.role === 'customer') await requireMeterAccess(context, view.meterId, 'id');
      return view;
    },
    async meterStatus(_: unknown, args: { meterId: string }, context: GraphqlContext) {
      await requireMeterAccess(context, args.meterId);
      const statuses = await context.commands.meterStatuses([args.meterId]);
      return statuses.get(args.meterId)!;
    },
  },
  Mutation: {
    blockMeter: switchMeter('blockMeter', 'block'),
    unblockMeter: switchMeter('unblockMeter', 'unblock'),
  },
  // Operators' notes and names are internal: a customer sees what happened to their meter, not
  // who decided it or what they wrote about it (field-level, so every path that returns a
  // Command or MeterStatus — queries, mutations' payloads, subscriptions — is covered).
  Command: {
    id: (view: CommandView) => view.commandId,
    note: (view: CommandView, _: unknown, context: GraphqlContext) => (isCustomer(context) ? null : view.note),
    issuedBy: (view: CommandView, _: unknown, context: GraphqlContext) => (isCustomer(context) ? null : view.issuedBy),
  },
  MeterStatus: {
    note: (status: { note: string | null }, _: unknown, context: GraphqlContext) => (isCustomer(context) ? null : status.note),
  },
  CommandStep: {
    source: (step: { source: string }) => step.source.toUpperCase(),
  },
  // Enum values as GraphQL spells them → the contract's values.
  CommandType: { BLOCK: 'block', UNBLOCK: 'unblock', SET_REPORTING_INTERVAL: 'set-reporting-interval', REQUEST_READING: 'request-reading' },
};
