/* GraphQL */
export const readingsTypeDefs = `
  "One validated reading, as stored in QuestDB's readings table."
  type Reading {
    "The meter that sent it."
    meterId: ID!
    "What the meter measures."
    kind: MeterKind!
    "Event time: when the meter took the reading."
    ts: DateTime!
    "Instantaneous quantity (flow, power, temperature), if the meter sent one."
    value: Float
    "Unit of value, e.g. L/min, kW, degC."
    valueUnit: String
    "Cumulative register, if the meter sent one."
    register: Float
    "Unit of register, e.g. L, kWh."
    registerUnit: String
    "The meter's own sequence number, if it sends one."
    seq: Float
    "Sector (fog node / district) the meter belongs to, if known."
    sector: String
    "When the bridge received the message."
    receivedAt: DateTime
  }

  type Query {
    """
    Raw readings of one meter with from <= ts < to, oldest first, at most limit rows
    (limit <= the server's MF_GRAPHQL_MAX_ROWS).
    """
    readings(meterId: ID!, from: DateTime!, to: DateTime!, limit: Int = 1000): [Reading!]!
  }
`;
