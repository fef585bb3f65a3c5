import { startOfDate } from '../../core/time/local-days';
import type { GraphqlContext } from '../context';
import { ownerChangesOf } from '../meters/owner-changes';

import { ownershipIntervals, type OwnerChange, type OwnershipInterval } from '../../core/ownership/ownership-intervals';

export { ownershipIntervals, type OwnerChange, type OwnershipInterval };

export function withinIntervals(intervals: readonly OwnershipInterval[], at: number): boolean {
  return intervals.some((i) => (i.from === null || at >= i.from) && (i.to === null || at < i.to));
}

/** A SQL condition on `column` matching the intervals (parameters pushed onto `params`); `false` when there are none. */
export function intervalsSql(intervals: readonly OwnershipInterval[], params: unknown[], column = 'ts'): string {
  if (intervals.length === 0) return 'false';
  const parts = intervals.map((i) => {
    const bounds: string[] = [];
    if (i.from !== null) bounds.push(`${column} >= $${params.push(new Date(i.from).toISOString())}`);
    if (i.to !== null) bounds.push(`${column} < $${params.push(new Date(i.to).toISOString())}`);
    return bounds.length === 0 ? 'true' : `(${bounds.join(' AND ')})`;
  });
  return `(${parts.join(' OR ')})`;
}

/**
 * For a customer, the intervals in which they owned each of these meters (read from the
 * registry history, plus the directory's current record, which may be newer than what QuestDB
 * shows yet); null for admins and analysts, who see everything.
 */
export async function customerOwnership(context: GraphqlContext, meterIds: readonly string[]): Promise<Map<string, OwnershipInterval[]> | null> {
  if (context.principal.role !== 'customer') return null;
  const customerId = context.principal.customerId ?? '\u0000none';
  const out = new Map<string, OwnershipInterval[]>(meterIds.map((id) => [id, []]));
  if (meterIds.length === 0) return out;
  const changes = new Map<string, OwnerChange[]>(meterIds.map((id) => [id, []]));
  // Chunked: one statement per 200 meters keeps the SQL small.
  for (let i = 0; i < meterIds.length; i += 200) {
    const ids = meterIds.slice(i, i + 200);
    const { rows } = await context.questdb.query<{ ts: Date; meter_id: string; customer_id: string | null }>(
      `SELECT ts, meter_id, customer_id FROM meter_registry WHERE meter_id IN (${ids.map((_, k) => `$${k + 1}`).join(', ')})`,
      ids,
    );
    for (const row of rows) changes.get(row.meter_id)?.push({ at: row.ts.getTime(), customerId: row.customer_id });
  }
  const declared = await ownerChangesOf(context, meterIds);
  for (const meterId of meterIds) {
    let list = changes.get(meterId)!;
    const current = await context.meters.get(meterId);
    // A change this process just wrote that QuestDB does not show yet (read-your-writes).
    const last = list.reduce<OwnerChange | null>((a, c) => (a === null || c.at > a.at ? c : a), null);
    if (current?.updatedAt && (last === null || current.updatedAt.getTime() > last.at)) list.push({ at: current.updatedAt.getTime(), customerId: current.customerId });
    // Dated owner changes (changeMeterOwner) govern from the first one on, from local midnight of
    // their date: registry rows written after it (any other field changed) repeat an owner that
    // may have left since.
    const moves = declared.get(meterId) ?? [];
    if (moves.length > 0) {
      const zone = current?.timeZone ?? context.billingTimeZone;
      const dated = moves.map((m) => ({ at: startOfDate(m.from, zone), customerId: m.customerId }));
      list = [...list.filter((c) => c.at < dated[0]!.at), ...dated];
      if (list.length === dated.length) list.unshift({ at: dated[0]!.at - 1, customerId: moves[0]!.previousCustomerId });
    }
    // A meter only seen in readings, never registered, has no owner to clamp to.
    out.set(meterId, list.length === 0 ? [] : ownershipIntervals(list, customerId));
  }
  return out;
}
