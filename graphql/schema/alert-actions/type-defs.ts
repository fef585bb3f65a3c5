/* GraphQL */
export const alertActionsTypeDefs = `
  type Mutation {
    """
    Marks an open alert as seen by an operator (admin). The alert stays in force: the processor
    still closes it when its condition ends. Acknowledging an acknowledged alert returns it
    unchanged; a closed alert is a CONFLICT.
    """
    acknowledgeAlert(
      "The alert's id."
      alertId: ID!
      "Why, or what was done (kept in the audit log)."
      note: String
      "A retry with the same key returns the first result instead of acting again."
      idempotencyKey: String
    ): Alert!

    """
    Closes an alert by hand (admin), e.g. a leak fixed on site. The processor does not reopen
    the same alert; a new occurrence of the condition raises a new one. Closing a closed alert
    is a CONFLICT.
    """
    closeAlert(
      "The alert's id."
      alertId: ID!
      "Why (kept in the audit log)."
      note: String
      "A retry with the same key returns the first result instead of acting again."
      idempotencyKey: String
    ): Alert!
  }
`;
