import { startOfDate } from '../time/local-days';

/** [from, to) in epoch ms; null = unbounded on that side. */
export interface OwnershipPeriod {
  meterId: string;
  from: number | null;
  to: number | null;
}

/** What the ownership of one meter is computed from: its registry history and its dated owner changes. */
export interface MeterOwnershipHistory {
  meterId: string;
  /** meter_registry rows: from `at` on the meter is registered to `customerId` (null = nobody). */
  registry: readonly { at: number; customerId: string | null }[];
  /** meter_owners rows (changeMeterOwner), any order. */
  ownerChanges: readonly { from: string; customerId: string | null; previousCustomerId: string | null }[];
  /** The meter's zone: owner changes start at local midnight of their date. */
  zone: string;
}

/**
 * When `customerId` owned a meter — the rule the API's access control applies
 * (graphql/auth/ownership.ts): the first registered owner owns it from the beginning, every
 * later owner from the change on; dated owner changes govern from the first one on (registry
 * rows after it only repeat an owner that may have left). A customer's personal data in the
 * meter's tables is what falls inside these periods.
 */
export function ownershipPeriods(history: MeterOwnershipHistory, customerId: string): OwnershipPeriod[] {
  let changes = [...history.registry].sort((a, b) => a.at - b.at);
  const moves = [...history.ownerChanges].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  if (moves.length > 0) {
    const dated = moves.map((m) => ({ at: startOfDate(m.from, history.zone), customerId: m.customerId }));
    changes = [...changes.filter((c) => c.at < dated[0]!.at), ...dated];
    if (changes.length === dated.length) changes.unshift({ at: dated[0]!.at - 1, customerId: moves[0]!.previousCustomerId });
  }
  const out: OwnershipPeriod[] = [];
  let open: OwnershipPeriod | null = null;
  changes.forEach((change, i) => {
    const owns = change.customerId === customerId;
    if (owns && !open) open = { meterId: history.meterId, from: i === 0 ? null : change.at, to: null };
    else if (!owns && open) {
      open.to = change.at;
      out.push(open);
      open = null;
    }
  });
  if (open) out.push(open);
  return out;
}
