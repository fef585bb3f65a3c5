/* GraphQL */
export const commandsTypeDefs = `
  "Why a meter is blocked."
  enum BlockReason {
    "Unpaid bills."
    DEBT
    "Consumption far above its sector's or the fleet's average (the over-consumption policy)."
    OVERCONSUMPTION
    "A leak behind the meter: shut the valve until it is repaired."
    LEAK
    "An operator's decision; see the note."
    MANUAL
  }

  "Where a command stands."
  enum CommandState {
    "On the commands topic, not yet handed to the MQTT broker."
    PENDING
    "The broker took it for the meter (it holds it for a meter that is offline until the command expires)."
    DELIVERED
    "The meter verified and applied it."
    APPLIED
    "The meter refused it; stateReason says why (bad-signature, replayed, expired, ...)."
    REJECTED
    "Not applied before expiresAt: expired before the bridge could deliver it, or the meter never answered in time."
    EXPIRED
  }

  "What a command does."
  enum CommandType {
    "Close the meter's valve / disconnect supply."
    BLOCK
    "Open it again."
    UNBLOCK
    "Change how often the meter reports."
    SET_REPORTING_INTERVAL
    "Ask the meter for a reading now."
    REQUEST_READING
  }

  "Who observed a step of a command."
  enum CommandStepSource {
    "This API issued it."
    API
    "The MQTT bridge (delivery, expiry before delivery)."
    BRIDGE
    "The meter itself (applied, rejected)."
    DEVICE
  }

  "One step of a command's life."
  type CommandStep {
    "The state reached."
    state: CommandState!
    "When it was reached (for PENDING: issuedAt; for an expiry the API derived: expiresAt)."
    at: DateTime!
    "Who observed it."
    source: CommandStepSource!
    "Why, for REJECTED and EXPIRED steps."
    reason: String
  }

  "A command sent to a meter, and where it stands."
  type Command {
    "Command id (deterministic for a mutation with an idempotencyKey)."
    id: ID!
    "The meter it is for."
    meterId: ID!
    "What it does."
    type: CommandType!
    "Why the meter is blocked (block commands)."
    reason: BlockReason
    "Free text from whoever issued it (null for customers: operators' notes are internal)."
    note: String
    "Subject (API key name, JWT subject, or 'policy') that issued it (null for customers)."
    issuedBy: String
    "When it was issued."
    issuedAt: DateTime!
    "After this instant the meter must not apply it."
    expiresAt: DateTime!
    "Current state: the last step of history."
    state: CommandState!
    "Why it was rejected or expired; null otherwise."
    stateReason: String
    "Every step so far, oldest first, starting with PENDING."
    history: [CommandStep!]!
  }

  "Whether a meter's supply is open."
  enum MeterBlockState {
    "Supply open (never blocked, or unblocked since)."
    ACTIVE
    "The meter applied a block command and no unblock since."
    BLOCKED
  }

  "A meter's block status, from the last block/unblock command it applied."
  type MeterStatus {
    "ACTIVE or BLOCKED."
    status: MeterBlockState!
    "Why it is blocked; null when active."
    reason: BlockReason
    "The block command's note; null when active, and for customers (operators' notes are internal)."
    note: String
    "When the meter applied the last block or unblock; null if it never applied one."
    since: DateTime
    "That command's id; null if there is none."
    commandId: ID
  }

  type Query {
    "A meter's commands, newest first (first <= MF_GRAPHQL_MAX_PAGE_SIZE). Customers: their own meters only."
    commands(meterId: ID!, first: Int = 20): [Command!]!
    "One command by id, or null. Customers: commands of their own meters only."
    command(id: ID!): Command
    "A meter's block status. Customers: their own meters only."
    meterStatus(meterId: ID!): MeterStatus!
  }

  type Mutation {
    """
    Blocks a meter (admin only). Resolves once Kafka has the command (PENDING), or with waitMs > 0
    once the meter answered (APPLIED / REJECTED), the command expired, or waitMs passed —
    whichever comes first; a timeout is no error, the state is then PENDING or DELIVERED.
    The same idempotencyKey again returns the same command instead of sending another.
    """
    blockMeter(
      "The meter."
      meterId: ID!
      "Why."
      reason: BlockReason!
      "Free text, at most 500 characters (it travels in the signed command)."
      note: String
      "How long to wait for the meter's answer, 0..MF_GRAPHQL_MAX_WAIT_MS."
      waitMs: Int = 0
      "Client-chosen key making a retry safe."
      idempotencyKey: String
    ): Command!
    "Unblocks a meter (admin only); otherwise as blockMeter."
    unblockMeter(
      "The meter."
      meterId: ID!
      "Free text, at most 500 characters."
      note: String
      "How long to wait for the meter's answer, 0..MF_GRAPHQL_MAX_WAIT_MS."
      waitMs: Int = 0
      "Client-chosen key making a retry safe."
      idempotencyKey: String
    ): Command!
  }
`;
