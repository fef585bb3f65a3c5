/* GraphQL */
export const meterRegistryTypeDefs = `
  "A meter's registry record. Unset fields stay unset; on updateMeter, omitted fields keep their value."
  input MeterInput {
    "What it measures (registerMeter only; a meter's kind does not change)."
    kind: MeterKind
    "Sector (district, fog node) it belongs to."
    sector: String
    "The customer it bills to; customers' API keys see only their own meters."
    customerId: ID
    "IANA time zone of its local days and billing periods, e.g. America/Sao_Paulo."
    timeZone: String
    "Seconds between readings the meter is configured for (silent-meter alerts compare against it)."
    reportingIntervalS: Int
    "Tariff id (as named in the billing configuration)."
    tariffId: ID
    "Free text shown in dashboards, e.g. an address."
    label: String
    "Billing: the register counts modulo this (a 6-digit litre register: 1000000), so a roll-over is billed as the distance forward. null = never wraps."
    registerModulus: Float
    "Billing: consumption per register unit of advance of the first register (a current-transformer ratio such as 40 for 200:5, a pulse weight), above 0 and at most 1000000; null = 1. Changed later, it re-bills retained periods read on that register; a new register's own multiplier goes with replaceMeterRegister."
    registerMultiplier: Float
    "Billing: local day of the month (1-28) each billing period starts on; default 1 (calendar months)."
    billingCycleDay: Int
    "Billing: physical maximum flow in register units per hour; a larger increase is held for review (default 10 m3/h, 100 kWh/h)."
    maxFlowPerHour: Float
    "Billing: start of service (move-in); its first period is prorated from that local day."
    serviceStart: DateTime
    "Billing: end of service (move-out, decommission), exclusive; no bill for periods after it."
    serviceEnd: DateTime
  }

  "A register replaced at a meter's service point, as declared."
  type MeterReplacement {
    meterId: ID!
    "When the new register started."
    at: DateTime!
    "The old register's last value; null when unknown (its tail is then not billed)."
    oldFinalRegister: Float
    "The new register's value when installed."
    newInitialRegister: Float!
    "Unit of both registers."
    unit: String!
    "The new register's multiplier; null = the one in force goes on."
    newRegisterMultiplier: Float
  }

  type Mutation {
    """
    Registers a meter (admin). A meter that already reports readings may be registered to give
    it a customer, tariff and time zone; registering a registered meter is a CONFLICT.
    """
    registerMeter(
      "The meter's id, as it publishes on MQTT."
      meterId: ID!
      "Its record; kind is required."
      input: MeterInput!
      "A retry with the same key returns the first result instead of acting again."
      idempotencyKey: String
    ): Meter!

    "Changes a registered meter's record (admin); omitted fields keep their value."
    updateMeter(
      "The meter to change."
      meterId: ID!
      "The fields to change (kind cannot change)."
      input: MeterInput!
      "A retry with the same key returns the first result instead of acting again."
      idempotencyKey: String
    ): Meter!

    """
    Declares that the meter's register was replaced at its service point (admin): billing closes
    the old register at oldFinalRegister and goes on from newInitialRegister, one continuous bill
    (docs/billing.md); declared after the fact, it re-bills closed periods as adjustments.
    Declaring the same instant again corrects the declaration.
    """
    replaceMeterRegister(
      "The meter (its id stays: the service point's)."
      meterId: ID!
      "When the new register started (not in the future)."
      at: DateTime!
      "The old register's last value, >= 0; null when unknown."
      oldFinalRegister: Float
      "The new register's value when installed, >= 0. Default 0."
      newInitialRegister: Float = 0
      "Unit of both values; defaults to the meter kind's register unit."
      unit: String
      "The new register's multiplier (its CT ratio, its pulse weight: consumption per register unit), above 0 and at most 1000000; omitted or null = the multiplier in force goes on. A multiplier changed without a new register: declare a replacement with oldFinalRegister = newInitialRegister = the reading at that instant."
      newRegisterMultiplier: Float
      "Why (kept with the declaration and in the audit log), at most 500 characters."
      note: String
      "A retry with the same key returns the first result instead of acting again."
      idempotencyKey: String
    ): MeterReplacement!

    "Assigns a tariff to a registered meter (admin); billing prices its next periods with it."
    assignTariff(
      "The meter."
      meterId: ID!
      "Tariff id as named in the billing configuration."
      tariffId: ID!
      "A retry with the same key returns the first result instead of acting again."
      idempotencyKey: String
    ): Meter!
  }
`;
