/** A replica's bid to run the policies for one time slot, as written to the policy-claims topic. */
export interface PolicyClaim {
  /** floor(time / MF_POLICY_INTERVAL_MS): the evaluation this bid is for. */
  slot: number;
  /** The bidding replica. */
  instance: string;
  /** Unique per bid, so the bidder recognises its own record when it comes back. */
  claimId: string;
}

/**
 * Who runs each slot: the first claim for it in the log. The claims topic has one partition,
 * so every replica reads the claims in the same order and agrees on the winner without any
 * other coordination; a replica that bids late (clock skew, a slow start) sees that another
 * claim came first and stays idle. Slots far behind the newest are forgotten (bounded memory).
 */
export interface ClaimLedger {
  /** Records a claim read from the log; returns the slot's winner. */
  record(claim: PolicyClaim): string;
  winner(slot: number): string | undefined;
}

export function createClaimLedger(keepSlots = 1000): ClaimLedger {
  const winners = new Map<number, string>();
  let newest = -Infinity;
  return {
    record(claim) {
      const known = winners.get(claim.slot);
      if (known !== undefined) return known;
      // A claim older than what we forgot cannot be decided any more: it wins nothing.
      if (claim.slot <= newest - keepSlots) return '';
      winners.set(claim.slot, claim.instance);
      if (claim.slot > newest) {
        newest = claim.slot;
        for (const slot of winners.keys()) if (slot <= newest - keepSlots) winners.delete(slot);
      }
      return claim.instance;
    },
    winner: (slot) => winners.get(slot),
  };
}
