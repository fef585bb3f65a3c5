import { parse } from 'graphql';
import { listCost } from '../../../../graphql/auth/list-cost';
import { createMeterflowSchema } from '../../../../graphql/schema';

// Cost counts list sizes, from literals, variables and schema defaults.
const schema = createMeterflowSchema();
const cost = (query: string, variables?: Record<string, unknown>) => listCost(schema, parse(query), undefined, variables);
const range = 'from: "2026-01-01T00:00:00Z", to: "2026-01-02T00:00:00Z"';

describe('listCost', () => {
  it('multiplies a readings subtree by its limit, per alias', () => {
    const one = cost(`{ readings(meterId: "m", ${range}, limit: 100000) { ts value } }`);
    expect(one).toBe(100_000 * 3);
    const aliases = Array.from({ length: 15 }, (_, i) => `r${i}: readings(meterId: "m", ${range}, limit: 100000) { ts }`).join(' ');
    expect(cost(`{ ${aliases} }`)).toBe(15 * 100_000 * 2);
  });

  it('takes the size from variables and from the schema default (limit: Int = 1000)', () => {
    expect(cost(`query ($n: Int) { readings(meterId: "m", ${range}, limit: $n) { ts } }`, { n: 50_000 })).toBe(100_000);
    expect(cost(`{ readings(meterId: "m", ${range}) { ts } }`)).toBe(2000);
  });

  it('multiplies nested lists and follows fragments', () => {
    const nested = cost(`query { meters(first: 500) { edges { node { ...R } } } } fragment R on Meter { id }`);
    expect(nested).toBeGreaterThan(500 * 3);
  });
});
