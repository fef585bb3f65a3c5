import { createRecencyList } from '../../../../processors/runtime/recency-list';

/** Drains the list oldest first (the order a sweep sees). */
const drain = (list: ReturnType<typeof createRecencyList>) => {
  const out: string[] = [];
  for (let key = list.oldest(); key !== undefined; key = list.oldest()) {
    out.push(key);
    list.delete(key);
  }
  return out;
};

describe('recency list', () => {
  it('keeps keys in the order they were last touched, as a Set with delete + add would', () => {
    const list = createRecencyList();
    const reference = new Set<string>();
    let seed = 3;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    for (let i = 0; i < 5_000; i += 1) {
      const key = `k${Math.floor(random() * 50)}`;
      if (random() < 0.2) {
        list.delete(key);
        reference.delete(key);
      } else {
        list.touch(key);
        reference.delete(key);
        reference.add(key);
      }
    }
    expect(list.size).toBe(reference.size);
    expect(drain(list)).toEqual([...reference]);
    expect(list.size).toBe(0);
    expect(list.oldest()).toBeUndefined();
  });

  it('touching the youngest or deleting an absent key changes nothing', () => {
    const list = createRecencyList();
    for (const k of ['a', 'b', 'c']) list.touch(k);
    list.touch('c');
    list.delete('zz');
    list.touch('a');
    expect(drain(list)).toEqual(['b', 'c', 'a']);
  });
});
