/* GraphQL */
export const tariffsTypeDefs = `
  "A JSON object, at most 10 levels deep; pass it as a variable."
  scalar JSONObject

  "Where a tariff comes from."
  enum TariffSource {
    "The billing configuration (MF_BILLING_CONFIG_FILE): version 0, in force from the beginning of time."
    CONFIGURED
    "Published through the API (publishTariff)."
    API
  }

  "One version of a tariff's price list."
  type TariffVersion {
    "0 = the configured definition; 1, 2, … = publications in order."
    version: Int!
    "Local date (YYYY-MM-DD, in each meter's zone) from which it prices; 0000-01-01 for a configured tariff."
    effectiveFrom: String!
    "When it was published; null for a configured tariff."
    publishedAt: DateTime
    "Who published it."
    publishedBy: String
    note: String
    "The price list as validated, defaults filled in (fields as in docs/billing.md, Tariffs)."
    definition: JSONObject!
  }

  "A tariff: its price lists over time, and its retirement."
  type Tariff {
    id: ID!
    "Name of its latest version."
    name: String
    "ISO 4217 currency of every version."
    currency: String!
    "Unit rates are per in its latest version (m3, kWh…)."
    unit: String!
    "Meter kinds whose register it can price."
    meterKinds: [MeterKind!]!
    source: TariffSource!
    "In publication order."
    versions: [TariffVersion!]!
    "Local date from which it is retired; null while in use."
    retiredFrom: String
    "The tariff its meters are billed by from retiredFrom; null = none."
    replacedBy: ID
  }

  extend type Query {
    "Every tariff: configured and published, retired ones included (any role)."
    tariffs: [Tariff!]!
    "One tariff; null when unknown."
    tariff(id: ID!): Tariff
  }

  extend type Mutation {
    """
    Publishes a tariff (admin): a new one, or a new version of an existing one (same id), in
    force from local midnight of effectiveFrom in each meter's zone. The processors price with
    it within MF_BILLING_REGISTRY_SYNC_MS, no restart: days from effectiveFrom in open periods
    at once, days already in retained final bills as adjustment invoices. A version keeps the
    tariff's currency and a unit of the same dimension. Publishing the same version again
    changes nothing. Errors name the field, e.g. tariff.blocks[1].upTo.
    """
    publishTariff(
      "The price list: id, name, currency, unit, fixedCharge, tierReferenceDays and one of blocks, tou, datedTou (docs/billing.md). At most 900,000 characters as JSON."
      tariff: JSONObject!
      "YYYY-MM-DD: the first local day it prices."
      effectiveFrom: String!
      "Why (kept with the version and in the audit log), at most 500 characters."
      note: String
      "A retry with the same key returns the first result instead of acting again."
      idempotencyKey: String
    ): Tariff!

    """
    Retires a tariff (admin): it can no longer be assigned, and with replacedBy its meters are
    billed by that tariff (same currency, a unit of the same dimension) from local midnight of
    from on. Without replacedBy it is refused while a meter's registry record or
    the billing configuration still assigns it.
    """
    retireTariff(
      "The tariff."
      tariffId: ID!
      "YYYY-MM-DD: the first local day it no longer prices."
      from: String!
      "The tariff that bills its meters from then on."
      replacedBy: ID
      "Why (kept with the retirement and in the audit log), at most 500 characters."
      note: String
      "A retry with the same key returns the first result instead of acting again."
      idempotencyKey: String
    ): Tariff!
  }
`;
