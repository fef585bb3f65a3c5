import { meterOwnersTable, type MeterOwnerChange } from '../../core/streams/meter-owners';
import type { GraphqlContext } from '../context';

/** A meter_owners row as the API reads it back. */
interface OwnerChangeSqlRow {
  ts: Date;
  meter_id: string;
  customer_id: string | null;
  previous_customer_id: string | null;
  note: string | null;
  declared_by: string | null;
  declared_at: Date | null;
}

/**
 * The owner changes of these meters (changeMeterOwner), oldest first per meter, with the ones
 * this server just declared that QuestDB does not show yet (read-your-writes); one change a
 * day per meter, a later declaration of the same day winning.
 */
export async function ownerChangesOf(context: Pick<GraphqlContext, 'questdb' | 'recentWrites'>, meterIds: readonly string[]): Promise<Map<string, MeterOwnerChange[]>> {
  const byDay = new Map<string, MeterOwnerChange>();
  // Chunked: one statement per 200 meters keeps the SQL small.
  for (let i = 0; i < meterIds.length; i += 200) {
    const ids = meterIds.slice(i, i + 200);
    const { rows } = await context.questdb.query<OwnerChangeSqlRow>(
      `SELECT ts, meter_id, customer_id, previous_customer_id, note, declared_by, declared_at FROM ${meterOwnersTable.name} WHERE meter_id IN (${ids.map((_, k) => `$${k + 1}`).join(', ')})`,
      ids,
    );
    for (const r of rows) {
      const change: MeterOwnerChange = {
        meterId: r.meter_id,
        from: r.ts.toISOString().slice(0, 10),
        customerId: r.customer_id,
        previousCustomerId: r.previous_customer_id,
        note: r.note,
        declaredBy: r.declared_by ?? '',
        declaredAt: r.declared_at?.getTime() ?? r.ts.getTime(),
      };
      byDay.set(`${change.meterId}@${change.from}`, change);
    }
  }
  const wanted = new Set(meterIds);
  for (const mine of context.recentWrites.ownerChanges.values()) {
    const key = `${mine.meterId}@${mine.from}`;
    const stored = byDay.get(key);
    if (!wanted.has(mine.meterId)) continue;
    if (stored && stored.declaredAt >= mine.declaredAt) context.recentWrites.ownerChanges.delete(key);
    else byDay.set(key, mine);
  }
  const out = new Map<string, MeterOwnerChange[]>(meterIds.map((id) => [id, []]));
  for (const change of [...byDay.values()].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0))) out.get(change.meterId)?.push(change);
  return out;
}

/** Meters whose owner changes name the customer (as new or previous owner): the ones they owned once. */
export async function metersOnceOwnedBy(context: Pick<GraphqlContext, 'questdb' | 'recentWrites'>, customerId: string): Promise<string[]> {
  const { rows } = await context.questdb.query<{ meter_id: string }>(
    `SELECT DISTINCT meter_id FROM ${meterOwnersTable.name} WHERE customer_id = $1 OR previous_customer_id = $1`,
    [customerId],
  );
  const ids = new Set(rows.map((r) => r.meter_id));
  for (const mine of context.recentWrites.ownerChanges.values()) if (mine.customerId === customerId || mine.previousCustomerId === customerId) ids.add(mine.meterId);
  return [...ids].sort();
}
