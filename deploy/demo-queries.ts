// The GraphQL and SQL the demo prints for a reader to paste into GraphiQL, in one place so that
// test/integration/doc-examples.test.ts runs exactly these strings against the server.

/** The sample queries demo.ts prints; `now` fixes the readings' range (the last minute to one hour ahead). */
export function demoSampleQueries(options: { now: number }): string[] {
  const since = new Date(options.now - 60_000).toISOString();
  const until = new Date(options.now + 3_600_000).toISOString();
  return [
    `{ readings(meterId: "sim-w-0001", from: "${since}", to: "${until}") { ts value register valueUnit } }`,
    '{ meters(first: 5) { edges { node { id kind sector customerId status { status } lastReading { ts value } } } } }',
    'mutation { blockMeter(meterId: "sim-w-0001", reason: MANUAL, note: "demo", waitMs: 5000) { id state history { state at } } }',
  ];
}

/** The SQL the demo suggests for the QuestDB console. */
export const demoSampleSql = ['SELECT * FROM readings LATEST ON ts PARTITION BY meter_id;', "SELECT * FROM rollups WHERE bucket = '1m' ORDER BY ts DESC LIMIT 20;"] as const;

/** The recommendations query the customer story prints for its household meter. */
export function demoRecommendationsQuery(meterId: string): string {
  return `{ meter(id: "${meterId}") { recommendations(days: 30) { kind title savingPerYear currency computation } } }`;
}
