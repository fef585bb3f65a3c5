import { decodeCursor, encodeCursor, validatePageSize } from '../arguments';

/** A sort key: compared element by element, strings by code unit, numbers numerically. */
export type SortKey = (string | number)[];

export function compareKeys(a: SortKey, b: SortKey): number {
  for (let i = 0; i < Math.max(a.length, b.length); i += 1) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

const isKeyOfLength = (length: number) => (value: unknown): value is SortKey =>
  Array.isArray(value) && value.length === length && value.every((v) => typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v)));

/** Decodes `after` as a key of `length` elements (BAD_USER_INPUT naming the argument otherwise). */
export function decodeKeyCursor(field: string, cursor: string, length: number): SortKey {
  return decodeCursor(field, cursor, isKeyOfLength(length));
}

export interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  totalCount: number;
}

export interface PageRequest {
  first: number;
  /** The decoded `after` cursor, null for the first page. */
  afterKey: SortKey | null;
}

/** Checks `first` and decodes `after` before anything runs (errors name the argument). */
export function pageRequest(args: { first: number; after?: string | null }, keyLength: number, maxPageSize: number): PageRequest {
  validatePageSize('first', args.first, maxPageSize);
  return { first: args.first, afterKey: args.after ? decodeKeyCursor('after', args.after, keyLength) : null };
}

/**
 * One page of `items`, which must be sorted by `keyOf` ascending: the items whose key is after
 * the cursor's. The cursor is the last item's key, so a page stays right when items before it
 * come or go between requests.
 */
export function paginate<T>(items: readonly T[], keyOf: (item: T) => SortKey, request: PageRequest): Connection<T> {
  const key = request.afterKey;
  const start = key ? items.findIndex((item) => compareKeys(keyOf(item), key) > 0) : 0;
  const rest = start < 0 ? [] : items.slice(start);
  const page = rest.slice(0, request.first);
  const edges = page.map((node) => ({ cursor: encodeCursor(keyOf(node)), node }));
  return { edges, pageInfo: { hasNextPage: rest.length > page.length, endCursor: edges.at(-1)?.cursor ?? null }, totalCount: items.length };
}
