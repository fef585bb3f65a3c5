import { encodeCursor } from '../../../../graphql/schema/arguments';
import { compareKeys, pageRequest, paginate, type Connection } from '../../../../graphql/schema/meters/connection';

const ids = ['a', 'b', 'c', 'd', 'e'];
const key = (id: string) => [id];

describe('cursor paging', () => {
  it('walks every item once, in order, whatever the page size', () => {
    for (const first of [1, 2, 3, 5, 10]) {
      const seen: string[] = [];
      let after: string | null = null;
      for (;;) {
        const page: Connection<string> = paginate(ids, key, pageRequest({ first, after }, 1, 100));
        expect(page.totalCount).toBe(5);
        seen.push(...page.edges.map((e) => e.node));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      expect(seen).toEqual(ids);
    }
  });

  it('continues after the cursor key even when that item is gone', () => {
    const page = paginate(['a', 'c', 'd'], key, { first: 10, afterKey: ['b'] });
    expect(page.edges.map((e) => e.node)).toEqual(['c', 'd']);
    expect(paginate(['a'], key, { first: 10, afterKey: ['z'] })).toMatchObject({ edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });

  it('orders composite keys element by element (newest first = negated time, then id)', () => {
    expect(compareKeys([-200, 'b'], [-100, 'a'])).toBe(-1);
    expect(compareKeys([-100, 'a'], [-100, 'b'])).toBe(-1);
    expect(compareKeys([-100, 'b'], [-100, 'b'])).toBe(0);
  });

  it('refuses page sizes out of range and cursors it did not make, naming the argument', () => {
    const field = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as { extensions: { field: string; code: string } }).extensions;
      }
      return null;
    };
    expect(field(() => pageRequest({ first: 0 }, 1, 100))).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(field(() => pageRequest({ first: 101 }, 1, 100))).toEqual({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(field(() => pageRequest({ first: 10, after: 'garbage!' }, 1, 100))).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });
    expect(field(() => pageRequest({ first: 10, after: encodeCursor(['a']) }, 2, 100))).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });
    expect(field(() => pageRequest({ first: 10, after: encodeCursor({ k: 1 }) }, 1, 100))).toEqual({ code: 'BAD_USER_INPUT', field: 'after' });
    expect(pageRequest({ first: 10, after: encodeCursor([-5, 'x']) }, 2, 100)).toEqual({ first: 10, afterKey: [-5, 'x'] });
  });
});
