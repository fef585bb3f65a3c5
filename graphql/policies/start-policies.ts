import type { Logger } from '../../core/logger';
import { startScheduledTask } from '../../core/scheduling/scheduled-task';
import type { GraphqlServices } from '../context';
import type { PolicyOptions } from '../graphql-options';
import { findDebtors } from './debt-policy';
import { findOverconsumers } from './overconsumption-policy';
import { policyBlock } from './policy-block';
import type { PolicyTurns } from './policy-turns';

export interface Policies {
  /** Evaluates the enabled policies now; resolves with the meters blocked in this run. */
  runOnce(): Promise<string[]>;
  /** Slots (floor(time / interval)) this replica won and evaluated on its timer, oldest first (last 100). */
  readonly ranSlots: readonly number[];
  stop(): Promise<void>;
}

const day = 86_400_000;

/** Causes remembered as handled per replica (a few MB at most). */
const maxRemembered = 100_000;

/**
 * The auto-block policies (off by default): debt (final invoice unpaid N days after its due
 * date) and overconsumption (open above-group-average alert). Both block through the command
 * path with their reason and an audit row; paying the overdue balance unblocks (payInvoice).
 * Every interval each replica bids for the slot (policy-turns.ts) and only the winner
 * evaluates: once per deployment however many GraphQL replicas run.
 */
export async function startPolicies(options: {
  services: GraphqlServices;
  policies: PolicyOptions;
  logger: Logger;
  /** Who runs each slot; without it (tests' runOnce only) the timer evaluates unconditionally. */
  turns?: PolicyTurns | null;
  now?: () => number;
}): Promise<Policies> {
  const { services, policies, logger } = options;
  const turns = options.turns ?? null;
  const ranSlots: number[] = [];
  const now = options.now ?? Date.now;
  const enabled = policies.debtBlockDays > 0 || policies.overconsumptionBlock;
  let running: Promise<string[]> | null = null;
  // Causes this replica already blocked for (policyBlock is idempotent per cause, but each call
  // costs an audit lookup: with thousands of old unpaid invoices every evaluation took seconds).
  const handled = new Set<string>();
  const remember = (key: string) => {
    handled.add(key);
    if (handled.size > maxRemembered) handled.delete(handled.values().next().value!);
  };

  const evaluate = async (): Promise<string[]> => {
    const candidates: { meterId: string; reason: 'DEBT' | 'OVERCONSUMPTION'; note: string; cause: string }[] = [];
    if (policies.debtBlockDays > 0) {
      const cutoff = new Date(now() - policies.debtBlockDays * day).toISOString().slice(0, 10);
      for (const debtor of await findDebtors(services, cutoff)) {
        candidates.push({ meterId: debtor.meterId, reason: 'DEBT', note: `${(debtor.overdueCents / 100).toFixed(2)} overdue more than ${policies.debtBlockDays} days (invoice ${debtor.invoiceId})`, cause: `invoice\u0000${debtor.invoiceId}` });
      }
    }
    if (policies.overconsumptionBlock) {
      for (const over of await findOverconsumers(services.questdb)) {
        candidates.push({ meterId: over.meterId, reason: 'OVERCONSUMPTION', note: `above its group's average (alert ${over.alertId})`, cause: `alert\u0000${over.alertId}` });
      }
    }
    if (candidates.length === 0) return [];
    const statuses = await services.commands.meterStatuses([...new Set(candidates.map((c) => c.meterId))]);
    const blocked: string[] = [];
    for (const candidate of candidates) {
      const key = `${candidate.meterId}\u0000${candidate.cause}`;
      if (statuses.get(candidate.meterId)?.status === 'BLOCKED' || blocked.includes(candidate.meterId) || handled.has(key)) continue;
      try {
        const command = await policyBlock(services, candidate.meterId, candidate.reason, candidate.note, candidate.cause);
        remember(key);
        blocked.push(candidate.meterId);
        logger.info('policy block issued', { meterId: candidate.meterId, reason: candidate.reason, commandId: command.commandId });
      } catch (error) {
        logger.error('policy block failed', { meterId: candidate.meterId, reason: candidate.reason, error });
      }
    }
    return blocked;
  };

  const runOnce = () => {
    // One evaluation at a time: a slow QuestDB must not stack overlapping runs.
    running ??= evaluate().finally(() => {
      running = null;
    });
    return running;
  };

  const tick = async () => {
    const slot = Math.floor(now() / policies.intervalMs);
    if (turns && !(await turns.claim(slot))) return;
    ranSlots.push(slot);
    if (ranSlots.length > 100) ranSlots.shift();
    await runOnce();
  };
  // The same runtime model as the processors' scheduled work: no overlap, failures logged and retried next tick, stop drains.
  const task = enabled ? startScheduledTask({ name: 'auto-block-policies', intervalMs: policies.intervalMs, run: tick, logger }) : null;
  if (enabled) logger.info('auto-block policies on', { debtBlockDays: policies.debtBlockDays, overconsumption: policies.overconsumptionBlock, intervalMs: policies.intervalMs });
  return {
    runOnce,
    ranSlots,
    async stop() {
      await task?.stop();
      await running?.catch(() => undefined);
      await turns?.stop();
    },
  };
}
