/* GraphQL */
export const meterOwnersTypeDefs = `
  "A customer moving into (or out of) a meter's service point."
  type MeterOwnerChange {
    meterId: ID!
    "Local date (YYYY-MM-DD, in the meter's zone) from which customerId has the meter."
    from: String!
    "The owner from then on; null = vacant (moved out, nobody in)."
    customerId: ID
    "The owner before that date, as known when the change was declared."
    previousCustomerId: ID
    note: String
    declaredBy: String!
    declaredAt: DateTime!
  }

  extend type Meter {
    "Owner changes, oldest first (a customer sees the ones naming them)."
    ownerChanges: [MeterOwnerChange!]!
  }

  extend type Mutation {
    """
    Records that customerId has the meter from the local date 'from' on (admin): a move-in, or
    with customerId null a move-out leaving it vacant. Billing bills each owner their own days of
    a period (one invoice each, blocks prorated by days; docs/billing.md, "Owners"), and each
    customer reads the meter's data and invoices of their own time only. 'from' may be today or
    in the past (a move recorded late); a period already finally billed keeps its invoices. The
    registry's customerId follows the owner in force today. Declaring the same date again
    corrects it.
    """
    changeMeterOwner(
      "A registered meter."
      meterId: ID!
      "The new owner; null = vacant."
      customerId: ID
      "YYYY-MM-DD in the meter's zone (its registry timeZone, else MF_BILLING_TIME_ZONE), not after today there."
      from: String!
      "Why (kept with the change and in the audit log), at most 500 characters."
      note: String
      "A retry with the same key returns the first result instead of acting again."
      idempotencyKey: String
    ): MeterOwnerChange!
  }
`;
