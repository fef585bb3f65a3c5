import type { Reading } from '../../../../core/contracts';
import { decodeReadingsRecord, encodeReading, encodeReadingsRecord } from '../../../../core/streams/readings';
import { createRandom } from '../../../../core/seeded-random';

// encodeReading writes most readings out by hand; it must give JSON.stringify's bytes for those,
// and fall back to JSON.stringify for the rest. Checked over generated readings, many hostile.
const random = createRandom(7);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
const strings = ['wm-1', 'WM.0001:a_b-c', '', 'm3', '°C', 'kWh', 'say "hi"', 'back\\slash', 'tab\there', 'nul\u0000', '\u007f', '水', '😀', '\ud800', '\udfff x', 'a'.repeat(64)];
const numbers = [0, -0, 1.5, -2.25, 1e21, 1e-7, 2 ** 53, 1_718_452_800_000, Number.MAX_VALUE, Number.NaN, Number.POSITIVE_INFINITY];
const orNull = <T>(items: readonly T[]) => [...items, null];

function generatedReading(): Reading {
  return {
    meterId: pick(strings),
    kind: pick(['water', 'electricity', 'gas', 'temperature', 'generic']),
    ts: pick(numbers),
    value: pick(orNull(numbers)),
    valueUnit: pick(strings),
    register: pick(orNull(numbers)),
    registerUnit: pick(strings),
    seq: pick(orNull(numbers)),
    sector: pick(orNull(strings)),
    receivedAt: pick(numbers),
  };
}

describe('encodeReading', () => {
  it('gives the bytes JSON.stringify gives, for plain and hostile readings', () => {
    for (let k = 0; k < 20_000; k += 1) {
      const reading = generatedReading();
      const encoded = encodeReading(reading);
      expect(encoded.json).toBe(JSON.stringify(reading));
      expect(encoded.bytes).toBe(Buffer.byteLength(encoded.json));
    }
  });

  it('leaves out fields a hand-built reading lacks, as JSON.stringify does', () => {
    const partial = { meterId: 'm-1', kind: 'gas', ts: 1, value: 2, receivedAt: 3 } as unknown as Reading;
    expect(encodeReading(partial).json).toBe(JSON.stringify(partial));
  });

  it('writes a plain reading without JSON.stringify', () => {
    const stringify = jest.spyOn(JSON, 'stringify');
    try {
      encodeReading({ meterId: 'wm-7', kind: 'water', ts: 1, value: null, valueUnit: 'L/h', register: 2.5, registerUnit: 'm3', seq: null, sector: null, receivedAt: 3 });
      expect(stringify).not.toHaveBeenCalled();
    } finally {
      stringify.mockRestore();
    }
  });

  it('round-trips through a record', () => {
    const reading: Reading = { meterId: 'wm-7', kind: 'water', ts: 1_718_452_800_000, value: 0.25, valueUnit: 'L/h', register: 1234.5, registerUnit: 'm3', seq: 9, sector: 's-1', receivedAt: 1_718_452_800_100 };
    const decoded = decodeReadingsRecord(encodeReadingsRecord([encodeReading(reading)]));
    expect(decoded).toEqual({ ok: true, readings: [{ index: 0, reading }], unreadable: [] });
  });
});
