import { parseDeviceMessage } from '../../../../core/contracts';
import { createRandom } from '../../../../core/seeded-random';
import { createPayloadGenerator, kindOf, leakFlowLpm, vuMeterIds } from '../../../../load-tests/vus/payload-profile';

const limits = { maxPayloadBytes: 1 << 20, maxBatchReadings: 10_000, maxPastMs: 86_400_000, maxFutureMs: 600_000 };
const t0 = Date.UTC(2026, 10, 30, 12, 0, 0);

describe('payload profiles', () => {
  it.each(['water', 'electricity', 'temperature'] as const)('%s readings pass the bridge validation', (kind) => {
    const gen = createPayloadGenerator({ meterIds: ['lt1-x-00001'], gatewayId: null, kind, sector: 'sector-1', badShare: 0, leaking: false, random: createRandom(1) });
    for (let k = 0; k < 50; k += 1) {
      const m = gen.next(t0 + k * 1000);
      const parsed = parseDeviceMessage(m.topic, Buffer.from(m.payload), t0 + k * 1000, limits);
      expect(parsed.rejections).toEqual([]);
      expect(parsed.readings).toHaveLength(1);
      expect(parsed.readings[0]).toMatchObject({ meterId: 'lt1-x-00001', kind, ts: t0 + k * 1000 });
      expect(m).toMatchObject({ readings: 1, bad: null, keys: [{ meterId: 'lt1-x-00001', ts: t0 + k * 1000 }] });
    }
  });

  it('temperature readings carry no register and stay near a fridge or freezer set point', () => {
    const gen = createPayloadGenerator({ meterIds: ['t'], gatewayId: null, kind: 'temperature', sector: 's', badShare: 0, leaking: false, random: createRandom(3) });
    const values = Array.from({ length: 100 }, (_, k) => JSON.parse(gen.next(t0 + k).payload) as { value: number; register?: number });
    expect(values.every((r) => r.register === undefined)).toBe(true);
    expect(values.every((r) => (r.value > 1 && r.value < 5) || (r.value > -21 && r.value < -17))).toBe(true);
  });

  it('a gateway batch holds one reading per meter, all valid', () => {
    const { meterIds, gatewayId } = vuMeterIds('lt1', 7, 'water', 100);
    expect(gatewayId).toBe('lt1-g00007');
    expect(meterIds[99]).toBe('lt1-g00007-m0100');
    const gen = createPayloadGenerator({ meterIds, gatewayId, kind: 'water', sector: 's', badShare: 0, leaking: false, random: createRandom(2) });
    const m = gen.next(t0);
    expect(m.topic).toBe('gateways/lt1-g00007/readings');
    expect(m.readings).toBe(100);
    const parsed = parseDeviceMessage(m.topic, Buffer.from(m.payload), t0, limits);
    expect(parsed.rejections).toEqual([]);
    expect(new Set(parsed.readings.map((r) => r.meterId)).size).toBe(100);
  });

  it('bad messages come at the given share, are all refused by the bridge and count no reading', () => {
    const gen = createPayloadGenerator({ meterIds: ['lt1-w-00001'], gatewayId: null, kind: 'water', sector: 's', badShare: 0.1, leaking: false, random: createRandom(42) });
    const messages = Array.from({ length: 5000 }, (_, k) => gen.next(t0 + k));
    const bad = messages.filter((m) => m.bad !== null);
    expect(bad.length / messages.length).toBeGreaterThan(0.08);
    expect(bad.length / messages.length).toBeLessThan(0.12);
    expect(new Set(bad.map((m) => m.bad))).toEqual(new Set(['malformed-json', 'out-of-range']));
    for (const m of bad) {
      expect(m).toMatchObject({ readings: 0, keys: [] });
      const parsed = parseDeviceMessage(m.topic, Buffer.from(m.payload), t0, limits);
      expect(parsed.readings).toHaveLength(0);
      expect(parsed.rejections[0]?.reason).toMatch(m.bad === 'malformed-json' ? 'MALFORMED_JSON' : 'VALUE_OUT_OF_RANGE');
    }
  });

  it('no bad message at share 0', () => {
    const gen = createPayloadGenerator({ meterIds: ['m'], gatewayId: null, kind: 'electricity', sector: 's', badShare: 0, leaking: false, random: createRandom(5) });
    expect(Array.from({ length: 1000 }, (_, k) => gen.next(t0 + k)).every((m) => m.bad === null)).toBe(true);
  });

  it('a leaking water meter never reports zero flow from the leak on', () => {
    const gen = createPayloadGenerator({ meterIds: ['w'], gatewayId: null, kind: 'water', sector: 's', badShare: 0, leaking: true, leakFromTs: t0 + 50_000, random: createRandom(9) });
    const values = Array.from({ length: 200 }, (_, k) => (JSON.parse(gen.next(t0 + k * 1000).payload) as { value: number }).value);
    expect(values.slice(0, 50).some((v) => v === 0)).toBe(true); // night-time UTC noon: some zero flow before
    expect(values.slice(50).every((v) => v >= leakFlowLpm)).toBe(true);
  });

  it('mixed profile cycles the kinds; meter ids are per VU', () => {
    expect([0, 1, 2, 3].map((n) => kindOf('mixed', n))).toEqual(['water', 'electricity', 'temperature', 'water']);
    expect(kindOf('water', 5)).toBe('water');
    expect(vuMeterIds('lt9', 12, 'electricity', 1)).toEqual({ meterIds: ['lt9-e-00012'], gatewayId: null });
  });
});
