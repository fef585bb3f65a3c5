import type { Reading } from '../../../../core/contracts';
import {
  decodeReadingsRecord,
  encodeReading,
  encodeReadingsRecord,
  maxReadingsPerRecord,
  readingPosition,
  readingsRecordBytes,
  recordOffsetOf,
  storedReadingColumns,
  storedReadingFromRow,
} from '../../../../core/streams/readings';

const reading = (k: number, over: Partial<Reading> = {}): Reading => ({
  meterId: `m-${k}`,
  kind: 'water',
  ts: 1_700_000_000_000 + k * 1000,
  value: k / 4,
  valueUnit: 'L/min',
  register: 100 + k,
  registerUnit: 'L',
  seq: k,
  sector: k % 2 === 0 ? 'north' : null,
  receivedAt: 1_700_000_000_500 + k * 1000,
  ...over,
});

describe('readings record codec', () => {
  it('round-trips a micro-batch: every reading back, equal and in order, with its index', () => {
    const readings = Array.from({ length: 25 }, (_, k) => reading(k));
    const decoded = decodeReadingsRecord(Buffer.from(encodeReadingsRecord(readings.map(encodeReading))));
    expect(decoded).toEqual({ ok: true, readings: readings.map((r, index) => ({ index, reading: r })), unreadable: [] });
  });

  it('writes the documented frame: {"v":1,"readings":[…]}', () => {
    const value = encodeReadingsRecord([encodeReading(reading(1))]);
    const parsed = JSON.parse(value) as { v: number; readings: unknown[] };
    expect(parsed.v).toBe(1);
    expect(parsed.readings).toEqual([JSON.parse(JSON.stringify(reading(1)))]);
  });

  it('predicts the record size exactly from the readings it holds', () => {
    const encoded = Array.from({ length: 7 }, (_, k) => encodeReading(reading(k, { sector: 'sektor-ü' })));
    const bytes = encoded.reduce((sum, e) => sum + e.bytes, 0);
    expect(readingsRecordBytes(bytes, encoded.length)).toBe(Buffer.byteLength(encodeReadingsRecord(encoded)));
  });

  it('a bad reading among good ones is reported alone, with its index; the good ones are kept', () => {
    const good = [reading(0), reading(1), reading(3)];
    const value = JSON.stringify({ v: 1, readings: [good[0], good[1], { ...reading(2), kind: 'steam' }, good[2], { ...reading(4), seq: 1e21 }] });
    const decoded = decodeReadingsRecord(value);
    if (!decoded.ok) throw new Error(decoded.detail);
    expect(decoded.readings).toEqual([
      { index: 0, reading: good[0] },
      { index: 1, reading: good[1] },
      { index: 3, reading: good[2] },
    ]);
    expect(decoded.unreadable.map((u) => [u.index, u.kind])).toEqual([
      [2, 'shape'],
      [4, 'column'],
    ]);
    expect(decoded.unreadable[0]!.detail).toMatch(/"kind"/);
    expect(decoded.unreadable[1]!.detail).toMatch(/"seq"/);
    expect(JSON.parse(decoded.unreadable[0]!.item)).toEqual({ ...reading(2), kind: 'steam' });
  });

  it('still reads version 0 (one bare reading per record), normalising absent fields', () => {
    const bare = { meterId: 'm-9', kind: 'electricity', ts: 1_700_000_000_000, value: 2.5 };
    expect(decodeReadingsRecord(JSON.stringify(bare))).toEqual({
      ok: true,
      readings: [{ index: 0, reading: { ...bare, valueUnit: '', register: null, registerUnit: '', seq: null, sector: null, receivedAt: bare.ts } }],
      unreadable: [],
    });
    const bad = JSON.stringify({ ...bare, register: 'lots' });
    expect(decodeReadingsRecord(bad)).toMatchObject({ ok: true, readings: [], unreadable: [{ index: 0, kind: 'shape', item: bad }] });
  });

  it('refuses records that are not readings records at all', () => {
    expect(decodeReadingsRecord(Buffer.from('not json'))).toMatchObject({ ok: false });
    expect(decodeReadingsRecord(null)).toMatchObject({ ok: false });
    expect(decodeReadingsRecord('[1,2]')).toMatchObject({ ok: false });
    expect(decodeReadingsRecord('{"v":2,"readings":[]}')).toMatchObject({ ok: false, detail: expect.stringMatching(/version 2/) });
    expect(decodeReadingsRecord('{"v":1,"readings":{}}')).toMatchObject({ ok: false });
    const tooMany = JSON.stringify({ v: 1, readings: Array.from({ length: maxReadingsPerRecord + 1 }, (_, k) => reading(k)) });
    expect(decodeReadingsRecord(tooMany)).toMatchObject({ ok: false, detail: expect.stringMatching(/at most/) });
  });

  it('gives readings positions that grow along the partition and map back to their record', () => {
    const positions = [readingPosition(41, 0), readingPosition(41, maxReadingsPerRecord - 1), readingPosition(42, 0)];
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(new Set(positions).size).toBe(3);
    expect(positions.map(recordOffsetOf)).toEqual([41, 41, 42]);
  });
});

describe('manual and estimated readings (source)', () => {
  it('carries an admin\'s source through a record, and a device reading has none', () => {
    const readings = [reading(1, { source: 'manual' }), reading(2), reading(3, { source: 'estimated' })];
    const json = encodeReadingsRecord(readings.map(encodeReading));
    expect(JSON.parse(json)).toEqual({ v: 1, readings: JSON.parse(JSON.stringify(readings)) });
    const decoded = decodeReadingsRecord(json);
    expect(decoded.ok && decoded.readings.map((r) => r.reading)).toEqual(readings);
    expect(decoded.ok && 'source' in decoded.readings[1]!.reading).toBe(false);
  });

  it('refuses a source other than manual or estimated, alone in its record', () => {
    const value = JSON.stringify({ v: 1, readings: [reading(1), { ...reading(2), source: 'device' }, { ...reading(3), source: 7 }] });
    const decoded = decodeReadingsRecord(value);
    expect(decoded.ok && decoded.readings.map((r) => r.index)).toEqual([0]);
    expect(decoded.ok && decoded.unreadable.map((u) => [u.index, u.kind, u.detail])).toEqual([
      [1, 'shape', '"source" must be one of manual, estimated or absent'],
      [2, 'shape', '"source" must be one of manual, estimated or absent'],
    ]);
  });
});

describe('stored readings', () => {
  it('reads back every column the sink writes, in table order', () => {
    expect(storedReadingColumns).toBe('ts, meter_id, kind, value, value_unit, register, register_unit, seq, sector, received_at, source');
  });

  it('a row becomes the Reading fields with Date times; a LONG seq sent as a string is a number; NULLs stay null', () => {
    const ts = new Date(1_700_000_000_000);
    const receivedAt = new Date(1_700_000_000_400);
    expect(
      storedReadingFromRow({ ts, meter_id: 'm-1', kind: 'water', value: 1.5, value_unit: 'L/min', register: null, register_unit: null, seq: '42', sector: null, received_at: receivedAt, source: null }),
    ).toEqual({ meterId: 'm-1', kind: 'water', ts, value: 1.5, valueUnit: 'L/min', register: null, registerUnit: null, seq: 42, sector: null, receivedAt, source: null });
    expect(storedReadingFromRow({ ts, meter_id: 'm-1', kind: 'gas', value: null, value_unit: null, register: 3, register_unit: 'm3', seq: null, sector: 's', received_at: null, source: 'manual' })).toMatchObject({ seq: null, source: 'manual' });
  });
});
