import { createHash } from 'node:crypto';
import { systemPrincipal } from '../auth/principal';
import type { BlockReason, CommandView } from '../commands/command-service';
import type { GraphqlContext, GraphqlServices } from '../context';

/**
 * A block issued by a policy: the same command path and audit as blockMeter, as the `policy`
 * principal. The idempotency key names the cause (an invoice, an alert), so evaluating the
 * policy again never blocks twice for it, nor re-blocks a meter an admin unblocked by hand.
 */
export async function policyBlock(services: GraphqlServices, meterId: string, reason: BlockReason, note: string, cause: string): Promise<CommandView> {
  const context: GraphqlContext = { ...services, principal: systemPrincipal };
  const idempotencyKey = `${reason.toLowerCase()}-${createHash('sha256').update(cause).digest('hex').slice(0, 32)}`;
  const commandId = `cmd-${createHash('sha256').update(`policy\u0000${idempotencyKey}`).digest('hex').slice(0, 24)}`;
  return context.mutations.run(
    context,
    {
      operation: 'blockMeter',
      target: meterId,
      args: { meterId, reason, note, policy: reason === 'DEBT' ? 'debt' : 'overconsumption', cause },
      idempotencyKey,
      toRecord: (c: CommandView) => ({ commandId: c.commandId }),
      fromRecord: async (record) => {
        const command = await services.commands.get((record as { commandId: string }).commandId);
        if (!command) throw new Error(`command ${(record as { commandId: string }).commandId} of an earlier policy run is not stored`);
        return command;
      },
    },
    () => services.commands.issue({ commandId, meterId, type: 'block', reason, note, issuedBy: 'policy', ttlS: services.commandSettings.ttlS }),
  );
}
