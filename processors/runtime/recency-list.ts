interface Node {
  key: string;
  older: Node | null;
  younger: Node | null;
}

/** Keys in the order they were last touched, oldest first. */
export interface RecencyList {
  /** Moves the key to the young end (adds it when absent). */
  touch(key: string): void;
  delete(key: string): void;
  /** The key touched longest ago; undefined when empty. */
  oldest(): string | undefined;
  readonly size: number;
}

/**
 * A doubly linked list indexed by key: touch, delete and oldest in O(1). Why not a Set with
 * delete + add to move a key to the end: V8 leaves each deleted entry as a hole until the next
 * rehash, and iterating from the front walks over all of them — with a key touched per reading,
 * finding the oldest key cost more than the processors' own work.
 */
export function createRecencyList(): RecencyList {
  const nodes = new Map<string, Node>();
  let oldest: Node | null = null;
  let youngest: Node | null = null;
  const unlink = (node: Node) => {
    if (node.older) node.older.younger = node.younger;
    else oldest = node.younger;
    if (node.younger) node.younger.older = node.older;
    else youngest = node.older;
    node.older = null;
    node.younger = null;
  };
  return {
    touch(key) {
      let node = nodes.get(key);
      if (node === youngest && node !== undefined) return;
      if (node) unlink(node);
      else nodes.set(key, (node = { key, older: null, younger: null }));
      node.older = youngest;
      if (youngest) youngest.younger = node;
      else oldest = node;
      youngest = node;
    },
    delete(key) {
      const node = nodes.get(key);
      if (!node) return;
      unlink(node);
      nodes.delete(key);
    },
    oldest: () => oldest?.key,
    get size() {
      return nodes.size;
    },
  };
}
