/**
 * Who owned a meter when: the one rule the API's access control (graphql/auth/ownership.ts) and
 * the GDPR export and erasure (core/gdpr) apply, so both cut a customer's data at the same instants.
 */
/** [from, to) in epoch ms; null = unbounded on that side. */
export interface OwnershipInterval {
  from: number | null;
  to: number | null;
}

/** One registry change of a meter: from `at` on, it belongs to `customerId` (null = nobody). */
export interface OwnerChange {
  at: number;
  customerId: string | null;
}

/**
 * When `customerId` owned a meter, from its registry history (meter_registry, one row per
 * change) and, from the first on, its dated owner changes (meter_owners). The first registered owner owns it from the beginning (readings before the meter was
 * registered are the installation's); every later owner from the change on. So after a meter
 * moves from A to B, B sees nothing from before the move, and A nothing from after.
 */
export function ownershipIntervals(changes: readonly OwnerChange[], customerId: string): OwnershipInterval[] {
  const sorted = [...changes].sort((a, b) => a.at - b.at);
  const out: OwnershipInterval[] = [];
  let open: OwnershipInterval | null = null;
  sorted.forEach((change, i) => {
    const owns = change.customerId === customerId;
    if (owns && !open) open = { from: i === 0 ? null : change.at, to: null };
    else if (!owns && open) {
      open.to = change.at;
      out.push(open);
      open = null;
    }
  });
  if (open) out.push(open);
  return out;
}

