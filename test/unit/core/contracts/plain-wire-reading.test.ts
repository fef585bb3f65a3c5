import { plainWireReading } from '../../../../core/contracts/device-message';
import { wireReadingSchema } from '../../../../core/streams/readings';
import { createRandom } from '../../../../core/seeded-random';

// The bridge checks each reading with plain code and asks the zod schema only about what that
// code does not vouch for. The two must not drift: whatever the plain check accepts, the
// schema accepts too, with the same output. Checked over many generated inputs, mostly hostile.

const random = createRandom(4242);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

const ids = ['m-1', 'WM.0001:a_b-c', 'x', 'a'.repeat(64), 'a'.repeat(65), '', ' m', 'm/1', 'm+1', 'm#', 'mé', 'm\u0000', 'm\n', '水', '😀', 'm 1', '__proto__', 'constructor'];
const units = ['', 'm3', 'kWh', 'L/h', '°C', 'u'.repeat(16), 'u'.repeat(17), 'm\u0000', 'a\tb', 'a\u007f', 'a\u001f', 'say "hi"', 'back\\slash', '😀'.repeat(8), '😀'.repeat(9)];
const numbers = [0, -0, 1, -1, 1.5, -2.25, 1e21, -1e21, 2 ** 53 - 1, 2 ** 53, -(2 ** 53), Number.MAX_VALUE, Number.MIN_VALUE, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1_718_452_800_000, 1_718_452_800_000.5];
const timestamps = ['2024-06-15T12:00:00Z', '2024-06-15T12:00:00+02:00', 'x'.repeat(40), 'x'.repeat(41), '', 'not a time', ...numbers];
const others = [null, true, false, '1', [], [1], {}, { a: 1 }, undefined];
const kinds = ['water', 'electricity', 'gas', 'temperature', 'generic', 'Water', 'steam', '', 'toString', '__proto__'];

const fieldValues: Record<string, readonly unknown[]> = {
  meterId: ids,
  kind: kinds,
  ts: timestamps,
  value: numbers,
  register: numbers,
  valueUnit: units,
  registerUnit: units,
  seq: numbers,
  sector: ids,
};
const fields = Object.keys(fieldValues);
const strangeKeys = ['extra', 'Value', 'meterid', '__proto__', 'constructor', 'prototype', 'toString', ''];

/** A typical reading: each field a good value, sometimes absent. */
function validReading(): Record<string, unknown> {
  const body: Record<string, unknown> = { kind: pick(['water', 'electricity', 'gas', 'temperature', 'generic']), ts: random() < 0.5 ? 1_718_452_800_000 + Math.floor(random() * 1e6) : '2024-06-15T12:00:00Z' };
  if (random() < 0.7) body.meterId = `wm-${Math.floor(random() * 10_000)}`;
  if (random() < 0.9) body.value = Math.round(random() * 1e6) / 1000;
  if (random() < 0.5) body.register = Math.round(random() * 1e9) / 1000;
  if (random() < 0.3) body.valueUnit = pick(['m3', 'kWh', 'L/h']);
  if (random() < 0.3) body.registerUnit = pick(['m3', 'kWh']);
  if (random() < 0.5) body.seq = Math.floor(random() * 1e6);
  if (random() < 0.3) body.sector = `s-${Math.floor(random() * 10)}`;
  return body;
}

/** A valid reading with a few fields replaced by edge values, wrong types or unknown keys, or not an object at all. */
function hostileInput(): unknown {
  const roll = random();
  if (roll < 0.05) return pick([null, undefined, 0, 'reading', [], [validReading()], true]);
  const body = validReading();
  const changes = 1 + Math.floor(random() * 3);
  for (let k = 0; k < changes; k += 1) {
    const change = random();
    const field = pick(fields);
    if (change < 0.55) body[field] = pick(fieldValues[field]!);
    else if (change < 0.75) body[field] = pick(others);
    else if (change < 0.85) delete body[field];
    else body[pick(strangeKeys)] = pick(others);
  }
  // Half the inputs go through JSON, as the bridge's do: "__proto__" becomes an own key, NaN null.
  if (random() < 0.5) {
    try {
      return JSON.parse(JSON.stringify(body).replace('"extra"', '"__proto__"'));
    } catch {
      return body;
    }
  }
  return body;
}

describe('plainWireReading against wireReadingSchema', () => {
  it('accepts only what the schema accepts, with the same output (20,000 generated hostile inputs)', () => {
    let vouched = 0;
    let schemaOnly = 0;
    for (let k = 0; k < 20_000; k += 1) {
      const input = hostileInput();
      const plain = plainWireReading(input);
      const parsed = wireReadingSchema.safeParse(input);
      if (plain !== null) {
        vouched += 1;
        if (!parsed.success) throw new Error(`plain code accepted what the schema refuses: ${String(JSON.stringify(input))}: ${parsed.error.issues[0]?.message}`);
        expect(plain).toEqual(parsed.data);
      } else if (parsed.success) {
        schemaOnly += 1;
      }
    }
    // The generator reaches both sides: many inputs vouched for, many refused.
    expect(vouched).toBeGreaterThan(2_000);
    expect(vouched).toBeLessThan(18_000);
    // What the schema alone accepts (e.g. a key present with the value undefined) stays rare.
    expect(schemaOnly).toBeLessThan(vouched / 10);
  });

  it('vouches for every typical reading, so the schema stays off the hot path', () => {
    for (let k = 0; k < 5_000; k += 1) {
      const input = JSON.parse(JSON.stringify(validReading())) as unknown;
      expect(plainWireReading(input)).not.toBeNull();
      expect(wireReadingSchema.safeParse(input).success).toBe(true);
    }
  });
});
