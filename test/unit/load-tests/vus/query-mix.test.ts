import { parse, validate } from 'graphql';
import { createMeterflowSchema } from '../../../../graphql/schema';
import { createQueryPicker, defaultQueryMix, type MixQuery } from '../../../../load-tests/vus/query-mix';

describe('query mix', () => {
  it('picks queries in proportion to their weights', () => {
    const mix: MixQuery[] = [
      { name: 'a', standsFor: '', weight: 1, text: '', variables: () => ({}) },
      { name: 'b', standsFor: '', weight: 3, text: '', variables: () => ({}) },
      { name: 'never', standsFor: '', weight: 0, text: '', variables: () => ({}) },
    ];
    const picker = createQueryPicker(mix);
    const n = 10_000;
    const counts: Record<string, number> = {};
    for (let i = 0; i < n; i += 1) {
      const name = picker.pick((i + 0.5) / n).name;
      counts[name] = (counts[name] ?? 0) + 1;
    }
    expect(counts).toEqual({ a: 2500, b: 7500 });
    expect(picker.pick(0).name).toBe('a');
    expect(picker.pick(0.9999999).name).toBe('b');
  });

  it('refuses an empty or weightless mix and a negative weight', () => {
    expect(() => createQueryPicker([])).toThrow(/positive weight/);
    expect(() => createQueryPicker([{ name: 'a', standsFor: '', weight: 0, text: '', variables: () => ({}) }])).toThrow(/positive weight/);
    expect(() => createQueryPicker([{ name: 'a', standsFor: '', weight: 1, text: '', variables: () => ({}) }, { name: 'b', standsFor: '', weight: -1, text: '', variables: () => ({}) }])).toThrow(/"b": weight/);
  });

  it('the default mix: unique names, every query valid against the API schema, variables for each', () => {
    const names = defaultQueryMix.map((q) => q.name);
    expect(new Set(names).size).toBe(names.length);
    const schema = createMeterflowSchema();
    for (const q of defaultQueryMix) {
      expect(validate(schema, parse(q.text)).map((e) => `${q.name}: ${e.message}`)).toEqual([]);
      const vars = q.variables({ meterId: 'm-1', sector: 'sector-1', now: Date.UTC(2026, 0, 2) });
      expect(Object.keys(vars).length).toBeGreaterThan(0);
    }
  });
});
