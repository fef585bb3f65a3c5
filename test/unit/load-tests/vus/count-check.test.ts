import { countCheck } from '../../../../load-tests/vus/count-check';

/** Stored counts that grow poll by poll, on a fake clock. */
function fake(series: { n: number; pairs: number }[]) {
  let now = 0;
  let i = 0;
  const sql: string[] = [];
  const metrics: [string, number | boolean][] = [];
  return {
    sql,
    metrics,
    options: {
      query: async (text: string) => {
        sql.push(text);
        const row = series[Math.min(i, series.length - 1)]!;
        i += 1;
        return [{ n: String(row.n), pairs: String(row.pairs) }];
      },
      metrics: { add: (metric: string, value: number | boolean) => metrics.push([metric, value]) },
      clock: () => now,
      sleep: async (ms: number) => {
        now += ms;
      },
    },
  };
}

describe('count check', () => {
  it('waits until the stored count reaches the published one, then records 0 lost and 0 doubled', async () => {
    const f = fake([{ n: 10, pairs: 10 }, { n: 80, pairs: 80 }, { n: 100, pairs: 100 }]);
    const result = await countCheck({ ...f.options, meters: { prefix: 'lt1' }, fromTs: 1000, toTs: 2000, published: 100, settleTimeoutMs: 60_000 });
    expect(result).toMatchObject({ published: 100, rows: 100, distinct: 100, lost: 0, doubled: 0, extra: 0, queries: 3 });
    expect(f.metrics).toEqual([
      ['readings_lost', 0],
      ['readings_doubled', 0],
    ]);
    expect(f.sql[0]).toContain("meter_id::string LIKE 'lt1-%'");
    expect(f.sql[0]).toContain('ts >= cast(1000000 AS timestamp) AND ts <= cast(2000000 AS timestamp)');
  });

  it('gives up once the count stops growing: lost = published − distinct, doubled = rows − distinct', async () => {
    const f = fake([{ n: 90, pairs: 88 }]);
    const lines: string[] = [];
    const result = await countCheck({ ...f.options, meters: { prefix: 'lt1' }, fromTs: 0, toTs: 1, published: 100, settleTimeoutMs: 60_000, stableMs: 10_000, log: (l) => lines.push(l) });
    expect(result).toMatchObject({ lost: 12, doubled: 2, waitedMs: 10_000 });
    expect(f.metrics).toEqual([
      ['readings_lost', 12],
      ['readings_doubled', 2],
    ]);
    expect(lines.some((l) => l.includes('waiting'))).toBe(true);
    expect(lines.at(-1)).toContain('lost 12, doubled 2');
  });

  it('is bounded by the settle timeout even while the count still grows', async () => {
    let n = 0;
    const f = fake([]);
    const result = await countCheck({
      ...f.options,
      query: async () => [{ n: String((n += 1)), pairs: String(n) }],
      meters: { prefix: 'p' },
      fromTs: 0,
      toTs: 1,
      published: 1_000_000,
      settleTimeoutMs: 5000,
    });
    expect(result.waitedMs).toBe(5000);
    expect(result.lost).toBe(1_000_000 - result.distinct);
  });

  it('an explicit id list (credentials file) is asked in chunks and summed', async () => {
    const f = fake([{ n: 3, pairs: 3 }]);
    const ids = Array.from({ length: 1200 }, (_, i) => `m-${i}`);
    const result = await countCheck({ ...f.options, meters: { ids }, fromTs: 0, toTs: 1, published: 9, settleTimeoutMs: 0 });
    expect(f.sql).toHaveLength(3);
    expect(f.sql[0]).toContain("meter_id IN ('m-0',");
    expect(result).toMatchObject({ rows: 9, distinct: 9, lost: 0 });
  });
});
