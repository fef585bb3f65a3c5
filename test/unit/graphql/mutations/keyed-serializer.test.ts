import { createKeyedSerializer } from '../../../../graphql/mutations/keyed-serializer';

describe('createKeyedSerializer', () => {
  it('runs tasks of one key one after the other, so a check-then-write cannot interleave', async () => {
    const serializer = createKeyedSerializer();
    const stored = new Set<string>();
    let writes = 0;
    const checkThenWrite = async () => {
      const seen = stored.has('pay-1');
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (!seen) {
        writes++;
        stored.add('pay-1');
      }
    };
    await Promise.all([serializer.run('pay-1', checkThenWrite), serializer.run('pay-1', checkThenWrite), serializer.run('pay-1', checkThenWrite)]);
    expect(writes).toBe(1);
    expect(serializer.size).toBe(0);
  });

  it('runs different keys concurrently and a failed task does not fail the next one', async () => {
    const serializer = createKeyedSerializer();
    const order: string[] = [];
    const slow = serializer.run('a', async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      order.push('a');
      throw new Error('boom');
    });
    const fast = serializer.run('b', async () => {
      order.push('b');
      return 2;
    });
    const after = serializer.run('a', async () => 3);
    await expect(slow).rejects.toThrow('boom');
    await expect(fast).resolves.toBe(2);
    await expect(after).resolves.toBe(3);
    expect(order).toEqual(['b', 'a']);
  });
});
