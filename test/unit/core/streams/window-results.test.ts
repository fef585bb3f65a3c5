import { isMeterflowError } from '../../../../core/errors';
import { decodeWindowResult, decodeWindowResults, encodeWindowResult, encodeWindowResultBatch, flattenedRowOf, rollingAverageToRow, rollupToRow, windowResultsTopic, type RollingAverage, type Rollup } from '../../../../core/streams/window-results';

const hourly: RollingAverage = { meterId: 'meter-7', sector: 'north', windowSize: '1h', windowStart: 3_600_000, windowEnd: 7_200_000, count: 4, sum: 10, mean: 2.5, min: 1, max: 4 };
const sectorMinute: Rollup = { scope: 'sector', scopeId: 'north', bucket: '1m', bucketStart: 60_000, bucketEnd: 120_000, partition: 2, count: 3, sum: 9, mean: 3, min: 2, max: 4 };

function refusalMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isMeterflowError(error, 'STREAM_RECORD_INVALID')) return error.message;
    throw error;
  }
  throw new Error('expected the record to be refused');
}

describe('window-results stream', () => {
  it('writes a rolling average at its window end, count as a LONG', () => {
    expect(rollingAverageToRow(hourly)).toEqual({
      table: 'rolling_averages',
      ts: 7_200_000,
      symbols: { meter_id: 'meter-7', window_size: '1h', sector: 'north' },
      values: { window_start: 3_600_000, count: 4, sum: 10, mean: 2.5, min: 1, max: 4 },
      types: { window_start: 'timestamp', count: 'long' },
    });
  });

  it('writes a rollup at its bucket start with the input partition in its key', () => {
    expect(rollupToRow(sectorMinute)).toEqual({
      table: 'rollups',
      ts: 60_000,
      symbols: { scope: 'sector', scope_id: 'north', bucket: '1m' },
      values: { kafka_partition: 2, bucket_end: 120_000, count: 3, sum: 9, mean: 3, min: 2, max: 4 },
      types: { kafka_partition: 'long', bucket_end: 'timestamp', count: 'long' },
    });
  });

  it('decodes both kinds from what it encodes', () => {
    expect(decodeWindowResult(encodeWindowResult({ kind: 'rolling-average', value: hourly }))).toEqual({ kind: 'rolling-average', value: hourly });
    expect(decodeWindowResult(Buffer.from(encodeWindowResult({ kind: 'rollup', value: sectorMinute })))).toEqual({ kind: 'rollup', value: sectorMinute });
    const noSector = { ...hourly, sector: null };
    expect(decodeWindowResult(encodeWindowResult({ kind: 'rolling-average', value: noSector }))).toEqual({ kind: 'rolling-average', value: noSector });
  });

  it('refuses a rollup of an unknown scope and a record of another table, naming the field', () => {
    const record = JSON.parse(encodeWindowResult({ kind: 'rollup', value: sectorMinute })) as Record<string, unknown>;
    expect(refusalMessage(() => decodeWindowResult(JSON.stringify({ ...record, scope: 'planet' })))).toMatch(/^window-results record: scope /);
    expect(refusalMessage(() => decodeWindowResult(JSON.stringify({ ...record, table: 'alerts' })))).toMatch(/^window-results record: table /);
  });

  it('encodes a result as the JSON of its flattened row, byte for byte, for awkward ids and numbers too', () => {
    const odd: RollingAverage = { ...hourly, meterId: 'm"\\\u2028é', sector: null, sum: 1e21, mean: -0.1, min: -5e-7, max: 0 };
    const results = [
      { kind: 'rolling-average' as const, value: hourly },
      { kind: 'rolling-average' as const, value: odd },
      { kind: 'rollup' as const, value: { ...sectorMinute, scopeId: 'north "side"', sum: 123456.789 } },
    ];
    for (const result of results) expect(encodeWindowResult(result)).toBe(JSON.stringify(flattenedRowOf(result)));
  });

  it('a batch record holds results in order; a single-result record still decodes', () => {
    const batch = encodeWindowResultBatch([encodeWindowResult({ kind: 'rolling-average', value: hourly }), encodeWindowResult({ kind: 'rollup', value: sectorMinute })]);
    expect(JSON.parse(batch)).toEqual({ results: [JSON.parse(encodeWindowResult({ kind: 'rolling-average', value: hourly })), JSON.parse(encodeWindowResult({ kind: 'rollup', value: sectorMinute }))] });
    expect(decodeWindowResults(Buffer.from(batch))).toEqual([
      { kind: 'rolling-average', value: hourly },
      { kind: 'rollup', value: sectorMinute },
    ]);
    expect(decodeWindowResults(encodeWindowResult({ kind: 'rollup', value: sectorMinute }))).toEqual([{ kind: 'rollup', value: sectorMinute }]);
  });

  it('bounds a batch record and names the bad result in one', () => {
    const one = encodeWindowResult({ kind: 'rolling-average', value: hourly });
    expect(() => encodeWindowResultBatch([])).toThrow(RangeError);
    expect(() => encodeWindowResultBatch(Array.from({ length: 501 }, () => one))).toThrow(RangeError);
    expect(encodeWindowResultBatch(Array.from({ length: 500 }, () => one)).length).toBeLessThan(200_000);
    const bad = JSON.stringify({ results: [JSON.parse(one), { ...JSON.parse(encodeWindowResult({ kind: 'rollup', value: sectorMinute })), scope: 'planet' }] });
    expect(refusalMessage(() => decodeWindowResults(bad))).toMatch(/^window-results record: results\.1\.scope /);
    expect(refusalMessage(() => decodeWindowResults(JSON.stringify({ results: [JSON.parse(one)], extra: 1 })))).toMatch(/^window-results record: /);
  });

  it('keeps the topic name outside consumers know', () => {
    expect(windowResultsTopic('meterflow.', 6).name).toBe('meterflow.rollups');
  });
});
