/* GraphQL */
export const meterReadsTypeDefs = `
  "A register read an admin recorded or confirmed, as it was put on the readings stream."
  type MeterRead {
    meterId: ID!
    "The instant the register showed this value."
    at: DateTime!
    register: Float!
    "Unit of register, e.g. L, m3, kWh."
    unit: String!
    "MANUAL or ESTIMATED."
    source: ReadingSource!
    "The value stored for that instant before (a correction, or the reading confirmed); null when there was none."
    replaced: Float
    "Unit of replaced."
    replacedUnit: String
  }

  extend type Mutation {
    """
    Records a register read (admin): read on site when the radio failed, an estimate
    (estimated: true, which marks the bill it measures as estimated), or a correction of a wrong
    reading at the same instant. It travels the readings stream like a device's: stored in
    readings (source MANUAL or ESTIMATED) and billed; an admin's value wins its instant over the
    device's, and a correction of a finally billed period is billed as an adjustment invoice.
    """
    recordMeterRead(
      "The meter."
      meterId: ID!
      "When the register showed the value (not in the future)."
      at: DateTime!
      "The register value, >= 0."
      register: Float!
      "Its unit; defaults to the meter kind's register unit (L for water, kWh for electricity)."
      unit: String
      "An estimate rather than a read. Default false."
      estimated: Boolean = false
      "Why (kept in the audit log), at most 500 characters."
      note: String
      "A retry with the same key returns the first result instead of acting again."
      idempotencyKey: String
    ): MeterRead!

    """
    Accepts a stored reading after review (admin): a register jump billing held (an increase
    beyond the meter's maximum flow, alert register-anomaly / jump) is billed from then on, as an
    adjustment when its period is closed. The reading is confirmed as a MANUAL read of the same value.
    """
    acceptMeterRead(
      "The meter."
      meterId: ID!
      "The instant of the stored reading (the alert's startedAt)."
      at: DateTime!
      "Why (kept in the audit log), at most 500 characters."
      note: String
      "A retry with the same key returns the first result instead of acting again."
      idempotencyKey: String
    ): MeterRead!
  }
`;
