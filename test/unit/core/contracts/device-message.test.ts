import { parseDeviceMessage, type DeviceMessageResult, type ValidationLimits } from '../../../../core/contracts/device-message';
import { parseReadingRanges } from '../../../../core/contracts/reading-ranges';
import { rejectionReasons, type RejectionReason } from '../../../../core/contracts/rejection';

// 2024-06-15T12:00:00Z, worked by hand: 19889 days since 1970-01-01 (54 years incl. 13 leap
// days = 19723, plus 166 days of 2024 up to 15 June) × 86 400 s + 12 h = 1 718 452 800 s.
const receivedAt = 1_718_452_800_000;
const minute = 60_000;
const hour = 60 * minute;
const day = 24 * hour;
const limits: ValidationLimits = { maxPayloadBytes: 1024, maxBatchReadings: 5, maxPastMs: 30 * day, maxFutureMs: 10 * minute };

const parse = (topic: string, body: unknown, at = receivedAt, lim = limits): DeviceMessageResult =>
  parseDeviceMessage(topic, Buffer.isBuffer(body) ? body : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)), at, lim);

const readingTopic = 'meters/m-1/readings';
const statsTopic = 'meters/fridge-1/stats';
const batchTopic = 'gateways/gw-1/readings';

/** Exactly one message-level rejection and nothing accepted. */
function expectRejected(result: DeviceMessageResult, reason: RejectionReason, ...detailParts: string[]): void {
  expect(result.readings).toEqual([]);
  expect(result.edgeStats).toEqual([]);
  expect(result.rejections).toHaveLength(1);
  const [rejection] = result.rejections;
  expect(rejection?.reason).toBe(reason);
  expect(rejection?.index).toBeUndefined();
  for (const part of detailParts) expect(rejection?.detail).toContain(part);
}

const water = { kind: 'water', ts: receivedAt, value: 12.5 };

describe('parseDeviceMessage: single readings', () => {
  it('accepts a minimal water reading and applies the default units', () => {
    const result = parse(readingTopic, { kind: 'water', ts: receivedAt, value: 12.5, register: 1000 });
    expect(result.rejections).toEqual([]);
    expect(result.edgeStats).toEqual([]);
    expect(result.topicMeterId).toBe('m-1');
    expect(result.topicType).toBe('reading');
    expect(result.readings).toEqual([
      { meterId: 'm-1', kind: 'water', ts: receivedAt, value: 12.5, valueUnit: 'L/min', register: 1000, registerUnit: 'L', seq: null, sector: null, receivedAt },
    ]);
  });

  it.each([
    ['water', 'L/min', 'L'],
    ['electricity', 'kW', 'kWh'],
    ['gas', 'm3/h', 'm3'],
  ])('default units for %s are %s and %s', (kind, valueUnit, registerUnit) => {
    const [reading] = parse(readingTopic, { kind, ts: receivedAt, value: 1, register: 2 }).readings;
    expect(reading?.valueUnit).toBe(valueUnit);
    expect(reading?.registerUnit).toBe(registerUnit);
  });

  it('temperature readings are in degC and carry no register', () => {
    const ok = parse('meters/fridge-1/readings', { kind: 'temperature', ts: receivedAt, value: 3.5 });
    expect(ok.readings).toHaveLength(1);
    expect(ok.readings[0]?.valueUnit).toBe('degC');
    expect(ok.readings[0]?.register).toBeNull();

    const withRegister = parse('meters/fridge-1/readings', { kind: 'temperature', ts: receivedAt, value: 3.5, register: 10 });
    expectRejected(withRegister, 'INVALID_SHAPE', '"register"');
  });

  it('keeps units the device states instead of the defaults', () => {
    const [reading] = parse(readingTopic, { kind: 'water', ts: receivedAt, value: 3, valueUnit: 'gal/min', register: 7, registerUnit: 'gal' }).readings;
    expect(reading?.valueUnit).toBe('gal/min');
    expect(reading?.registerUnit).toBe('gal');
  });

  it('accepts a register-only reading (value null)', () => {
    const [reading] = parse(readingTopic, { kind: 'electricity', ts: receivedAt, register: 4521.25 }).readings;
    expect(reading?.value).toBeNull();
    expect(reading?.register).toBe(4521.25);
  });

  it('refuses a reading with neither value nor register', () => {
    expectRejected(parse(readingTopic, { kind: 'water', ts: receivedAt }), 'INVALID_SHAPE', '"value"', '"register"');
  });

  it('keeps seq and sector and stamps receivedAt', () => {
    const [reading] = parse(readingTopic, { ...water, seq: 42, sector: 'north-3' }, receivedAt + 1234).readings;
    expect(reading?.seq).toBe(42);
    expect(reading?.sector).toBe('north-3');
    expect(reading?.receivedAt).toBe(receivedAt + 1234);
  });

  it('accepts a payload meterId equal to the topic one', () => {
    expect(parse(readingTopic, { ...water, meterId: 'm-1' }).readings[0]?.meterId).toBe('m-1');
  });

  it('accepts a 64-character meter id but refuses 65 characters (payload and topic)', () => {
    const id64 = 'a'.repeat(64);
    const id65 = 'a'.repeat(65);
    expect(parse(`meters/${id64}/readings`, water).readings[0]?.meterId).toBe(id64);
    expectRejected(parse(`meters/${id65}/readings`, water), 'INVALID_METER_ID', 'topic meter id');
    expectRejected(parse(readingTopic, { ...water, meterId: id65 }), 'INVALID_METER_ID', '"meterId"');
  });

  it.each(['m 1', 'm/1', 'm#1', 'zähler', 'm"1', ''])('refuses the payload meter id %j', (meterId) => {
    expectRejected(parse(readingTopic, { ...water, meterId }), 'INVALID_METER_ID', '"meterId"');
  });

  it('refuses bad characters in the topic meter id', () => {
    expectRejected(parse('meters/m$1/readings', water), 'INVALID_METER_ID', 'topic meter id');
    expectRejected(parse('gateways/g w/readings', { readings: [] }), 'INVALID_METER_ID', 'topic gateway id');
  });

  it('refuses a payload meterId that differs from the topic', () => {
    const result = parse(readingTopic, { ...water, meterId: 'm-2' });
    expectRejected(result, 'METER_ID_MISMATCH', '"meterId"', 'm-2', 'm-1');
    expect(result.topicMeterId).toBe('m-1');
  });
});

describe('parseDeviceMessage: one rejection reason at a time', () => {
  it('MALFORMED_JSON for truncated JSON, empty payload, NaN and non-UTF-8 bytes', () => {
    expectRejected(parse(readingTopic, '{"kind":"water","ts":'), 'MALFORMED_JSON', 'JSON');
    expectRejected(parse(readingTopic, ''), 'MALFORMED_JSON');
    expectRejected(parse(readingTopic, `{"kind":"water","ts":${receivedAt},"value":NaN}`), 'MALFORMED_JSON');
    expectRejected(parse(readingTopic, Buffer.from([0xff, 0xfe, 0x7b, 0x7d])), 'MALFORMED_JSON');
  });

  it('INVALID_SHAPE for a number sent as a string, naming the field', () => {
    expectRejected(parse(readingTopic, { kind: 'water', ts: receivedAt, value: '12' }), 'INVALID_SHAPE', '"value"');
    expectRejected(parse(readingTopic, { kind: 'water', ts: receivedAt, value: 1, register: true }), 'INVALID_SHAPE', '"register"');
    expectRejected(parse(readingTopic, { kind: 'water', ts: receivedAt, value: 1, seq: -1 }), 'INVALID_SHAPE', '"seq"');
    expectRejected(parse(readingTopic, { kind: 'water', ts: receivedAt, value: 1, seq: 1.5 }), 'INVALID_SHAPE', '"seq"');
  });

  it('INVALID_SHAPE when the payload is not an object', () => {
    expectRejected(parse(readingTopic, '[1,2]'), 'INVALID_SHAPE');
    expectRejected(parse(readingTopic, '42'), 'INVALID_SHAPE');
    expectRejected(parse(readingTopic, 'null'), 'INVALID_SHAPE');
  });

  it('INVALID_SHAPE for an unknown field, naming it', () => {
    expectRejected(parse(readingTopic, { ...water, colour: 'red' }), 'INVALID_SHAPE', 'unknown field', '"colour"');
  });

  it('NON_FINITE_NUMBER for 1e999 (Infinity) in value, register and ts', () => {
    expectRejected(parse(readingTopic, `{"kind":"water","ts":${receivedAt},"value":1e999}`), 'NON_FINITE_NUMBER', '"value"');
    expectRejected(parse(readingTopic, `{"kind":"water","ts":${receivedAt},"value":-1e999}`), 'NON_FINITE_NUMBER', '"value"');
    expectRejected(parse(readingTopic, `{"kind":"water","ts":${receivedAt},"register":1e999}`), 'NON_FINITE_NUMBER', '"register"');
    expectRejected(parse(readingTopic, '{"kind":"water","ts":1e999,"value":1}'), 'NON_FINITE_NUMBER', '"ts"');
  });

  it('UNKNOWN_KIND names the kind it got', () => {
    expectRejected(parse(readingTopic, { kind: 'steam', ts: receivedAt, value: 1 }), 'UNKNOWN_KIND', '"kind"', 'steam');
    expectRejected(parse(readingTopic, { kind: 'Water', ts: receivedAt, value: 1 }), 'UNKNOWN_KIND', '"kind"', 'Water');
  });

  it('PAYLOAD_TOO_LARGE above maxPayloadBytes; exactly the limit passes', () => {
    const base = JSON.stringify(water);
    const exact = base + ' '.repeat(limits.maxPayloadBytes - base.length); // trailing spaces are valid JSON
    expect(Buffer.byteLength(exact)).toBe(1024);
    expect(parse(readingTopic, exact).readings).toHaveLength(1);
    expectRejected(parse(readingTopic, `${exact} `), 'PAYLOAD_TOO_LARGE', '1025', '1024');
  });

  it('PAYLOAD_TOO_LARGE counts bytes, not characters', () => {
    // 'é' is 2 bytes in UTF-8: 600 of them are 1200 bytes although only 600 characters.
    const body = `{"kind":"water","ts":${receivedAt},"value":1,"valueUnit":"${'é'.repeat(600)}"}`;
    expect(body.length).toBeLessThan(1024);
    expectRejected(parse(readingTopic, body), 'PAYLOAD_TOO_LARGE');
  });

  it('BATCH_TOO_LARGE above maxBatchReadings; exactly the limit passes', () => {
    const item = (i: number) => ({ meterId: `m-${i}`, kind: 'water', ts: receivedAt, value: i });
    const five = parse(batchTopic, { readings: [1, 2, 3, 4, 5].map(item) });
    expect(five.readings).toHaveLength(5);
    expect(five.rejections).toEqual([]);
    expectRejected(parse(batchTopic, { readings: [1, 2, 3, 4, 5, 6].map(item) }), 'BATCH_TOO_LARGE', '6', '5');
  });

  it.each(['__proto__', 'constructor', 'prototype'])('FORBIDDEN_KEY for a top-level "%s" key', (key) => {
    const body = `{"kind":"water","ts":${receivedAt},"value":1,"${key}":{"polluted":true}}`;
    expectRejected(parse(readingTopic, body), 'FORBIDDEN_KEY', `"${key}"`);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each(['__proto__', 'constructor', 'prototype'])('FORBIDDEN_KEY for "%s" nested inside a batch item', (key) => {
    const body = `{"readings":[{"meterId":"m-1","kind":"water","ts":${receivedAt},"value":1,"x":{"${key}":{"polluted":true}}}]}`;
    expectRejected(parse(batchTopic, body), 'FORBIDDEN_KEY', `"${key}"`);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('FORBIDDEN_KEY also when the key is spelled with a JSON escape (\\u005f = "_")', () => {
    // JSON.parse decodes "\u005f_proto__" to the key "__proto__": the payload carries that key.
    const body = `{"kind":"water","ts":${receivedAt},"value":1,"\\u005f_proto__":{"polluted":true}}`;
    expectRejected(parse(readingTopic, body), 'FORBIDDEN_KEY', '"__proto__"');
  });

  it('does not mistake the words constructor/prototype inside values for keys', () => {
    const result = parse(readingTopic, { ...water, sector: 'constructor', valueUnit: 'prototype' });
    expect(result.rejections).toEqual([]);
    expect(result.readings[0]?.sector).toBe('constructor');
  });

  it('UNKNOWN_TOPIC outside the tree and for platform→device topics', () => {
    for (const topic of ['energy/consumption', 'meters/m-1/commands', 'meters/m-1', 'gateways/gw-1/stats', 'meters/m-1/readings/extra']) {
      const result = parse(topic, water);
      expectRejected(result, 'UNKNOWN_TOPIC', topic);
      expect(result.topicType).toBe('unknown');
      expect(result.topicMeterId).toBeNull();
    }
  });

  it('a command ack is accepted for the meter its topic names, and refused with the field when malformed', () => {
    const ok = parse('meters/m-1/acks', { commandId: 'c-1', status: 'rejected', reason: 'replayed', seq: 7 });
    expect(ok.rejections).toEqual([]);
    expect(ok.topicType).toBe('command-ack');
    expect(ok.commandAcks).toEqual([{ meterId: 'm-1', ack: { commandId: 'c-1', status: 'rejected', reason: 'replayed', seq: 7 } }]);
    expect(ok.readings).toEqual([]);
    const bad = parse('meters/m-1/acks', { commandId: 'c-1', status: 'done' });
    expect(bad.commandAcks).toEqual([]);
    expectRejected(bad, 'INVALID_SHAPE', 'status');
    expect(bad.topicMeterId).toBe('m-1');
  });

  it('a value or register outside its kind\'s plausible range is refused, naming the field; the bounds are configurable', () => {
    expectRejected(parse(readingTopic, { kind: 'water', ts: receivedAt, value: -3 }), 'VALUE_OUT_OF_RANGE', '"value"', 'water');
    expectRejected(parse(readingTopic, { kind: 'water', ts: receivedAt, register: 1e25 }), 'VALUE_OUT_OF_RANGE', '"register"');
    expectRejected(parse(readingTopic, { kind: 'electricity', ts: receivedAt, register: 1e300 }), 'VALUE_OUT_OF_RANGE', '"register"');
    expectRejected(parse(readingTopic, { kind: 'temperature', ts: receivedAt, value: 5000 }), 'VALUE_OUT_OF_RANGE', '"value"');
    // Electricity may be negative (export to the grid).
    expect(parse(readingTopic, { kind: 'electricity', ts: receivedAt, value: -2.5 }).rejections).toEqual([]);
    const strict: ValidationLimits = { ...limits, ranges: parseReadingRanges('{"water":{"value":[0,100]}}') };
    expectRejected(parse(readingTopic, { kind: 'water', ts: receivedAt, value: 101 }, receivedAt, strict), 'VALUE_OUT_OF_RANGE', '[0, 100]');
    expect(parse(readingTopic, { kind: 'water', ts: receivedAt, value: 100 }, receivedAt, strict).rejections).toEqual([]);
    expectRejected(parse(statsTopic, { kind: 'temperature', from: receivedAt - hour, to: receivedAt, count: 5, min: -500, max: 3, mean: 1 }), 'VALUE_OUT_OF_RANGE', '"min"/"max"');
  });

  it('integers a QuestDB LONG cannot hold exactly are refused (zod\'s .int() alone accepts 1e21)', () => {
    expectRejected(parse(readingTopic, { kind: 'water', ts: receivedAt, value: 1, seq: 1e21 }), 'INVALID_SHAPE', 'seq');
    expectRejected(parse(readingTopic, { kind: 'water', ts: 1.5e12 + 0.5, value: 1 }), 'INVALID_SHAPE', 'ts');
    expectRejected(parse(statsTopic, { kind: 'temperature', from: receivedAt - hour, to: receivedAt, count: 1e21, min: 1, max: 3, mean: 2 }), 'INVALID_SHAPE', 'count');
    const ack = parse('meters/m-1/acks', { commandId: 'c-1', status: 'applied', seq: 1e21 });
    expect(ack.commandAcks).toEqual([]);
    expectRejected(ack, 'INVALID_SHAPE', 'seq');
  });

  it('hundreds of long unknown keys make a short detail: a few names, cut, and how many more', () => {
    const body: Record<string, unknown> = { kind: 'water', ts: receivedAt, value: 1 };
    for (let i = 0; i < 500; i += 1) body[`${'k'.repeat(1500)}${i}`] = i;
    const result = parse(readingTopic, body, receivedAt, { ...limits, maxPayloadBytes: 1_000_000 });
    expectRejected(result, 'INVALID_SHAPE', 'unknown field(s)', 'and 495 more');
    expect(result.rejections[0]!.detail.length).toBeLessThan(400);
  });

  it('every reason in rejection.ts is reachable (covered above), and no other reason exists', () => {
    expect(Object.keys(rejectionReasons).sort()).toEqual(
      [
        'VALUE_OUT_OF_RANGE',
        'RATE_LIMITED',
        'KAFKA_REFUSED',
        'QUESTDB_REFUSED',
        'UNREADABLE_ROW',
        'STORED_READING_DIFFERS',
        'BATCH_TOO_LARGE',
        'FORBIDDEN_KEY',
        'INVALID_METER_ID',
        'INVALID_SHAPE',
        'MALFORMED_JSON',
        'METER_ID_MISMATCH',
        'NON_FINITE_NUMBER',
        'PAYLOAD_TOO_LARGE',
        'TIMESTAMP_OUT_OF_RANGE',
        'UNKNOWN_KIND',
        'UNKNOWN_TOPIC',
      ].sort(),
    );
  });
});

describe('parseDeviceMessage: timestamps', () => {
  it('ISO 8601 with +02:00 converts to the same instant in UTC', () => {
    // 13:30 at +02:00 is 11:30Z, 30 minutes before receivedAt (12:00Z).
    const [reading] = parse(readingTopic, { kind: 'water', ts: '2024-06-15T13:30:00+02:00', value: 1 }).readings;
    expect(reading?.ts).toBe(1_718_451_000_000);
  });

  it('ISO 8601 with Z and milliseconds, and with a negative offset', () => {
    expect(parse(readingTopic, { kind: 'water', ts: '2024-06-15T11:59:59.250Z', value: 1 }).readings[0]?.ts).toBe(receivedAt - 750);
    // 08:00 at -03:00 is 11:00Z.
    expect(parse(readingTopic, { kind: 'water', ts: '2024-06-15T08:00:00-03:00', value: 1 }).readings[0]?.ts).toBe(receivedAt - hour);
  });

  it('epoch milliseconds are taken as they are', () => {
    expect(parse(readingTopic, { kind: 'water', ts: receivedAt - 5000, value: 1 }).readings[0]?.ts).toBe(receivedAt - 5000);
  });

  it('refuses ISO without a zone, dates without time, and fractional epoch ms, naming "ts"', () => {
    for (const ts of ['2024-06-15T12:00:00', '2024-06-15', '15/06/2024 12:00', 'yesterday']) {
      expectRejected(parse(readingTopic, { kind: 'water', ts, value: 1 }), 'INVALID_SHAPE', '"ts"');
    }
    expectRejected(parse(readingTopic, { kind: 'water', ts: receivedAt + 0.5, value: 1 }), 'INVALID_SHAPE', '"ts"');
  });

  it('refuses a missing ts, naming it', () => {
    expectRejected(parse(readingTopic, { kind: 'water', value: 1 }), 'INVALID_SHAPE', '"ts"');
  });

  it('accepts the bounds exactly and refuses 1 ms beyond them', () => {
    const ok = (ts: number) => parse(readingTopic, { kind: 'water', ts, value: 1 });
    expect(ok(receivedAt - 30 * day).readings).toHaveLength(1);
    expect(ok(receivedAt + 10 * minute).readings).toHaveLength(1);
    expectRejected(ok(receivedAt - 30 * day - 1), 'TIMESTAMP_OUT_OF_RANGE', '"ts"');
    expectRejected(ok(receivedAt + 10 * minute + 1), 'TIMESTAMP_OUT_OF_RANGE', '"ts"');
  });

  it('refuses far past and far future ISO times', () => {
    expectRejected(parse(readingTopic, { kind: 'water', ts: '2020-01-01T00:00:00Z', value: 1 }), 'TIMESTAMP_OUT_OF_RANGE', '"ts"');
    expectRejected(parse(readingTopic, { kind: 'water', ts: '2024-06-15T13:00:00Z', value: 1 }), 'TIMESTAMP_OUT_OF_RANGE', '"ts"');
  });

  it('refuses epoch SECONDS mistaken for milliseconds, and says so', () => {
    // 1 718 452 800 read as ms is 1970-01-20T21:20:52.800Z, decades before receivedAt.
    const result = parse(readingTopic, { kind: 'water', ts: 1_718_452_800, value: 1 });
    expectRejected(result, 'TIMESTAMP_OUT_OF_RANGE', '"ts"', '1970-01-20T21:20:52.800Z', 'seconds');
  });
});

describe('parseDeviceMessage: gateway batches', () => {
  it('accepts the good items and refuses each bad one with its index and the item itself', () => {
    const items = [
      `{"meterId":"m-1","kind":"water","ts":${receivedAt},"value":1}`,
      `{"meterId":"m-2","kind":"water","ts":${receivedAt},"value":"x"}`,
      `{"meterId":"m-3","kind":"electricity","ts":"2024-06-15T13:30:00+02:00","register":99.5}`,
      `{"kind":"water","ts":${receivedAt},"value":3}`,
      `{"meterId":"m-5","kind":"steam","ts":${receivedAt},"value":3}`,
      '42',
    ];
    const result = parse(batchTopic, `{"gatewayId":"gw-1","readings":[${items.join(',')}]}`, receivedAt, { ...limits, maxBatchReadings: 10 });
    expect(result.topicType).toBe('gateway-batch');
    expect(result.topicMeterId).toBeNull();
    expect(result.readings.map((r) => [r.meterId, r.kind, r.ts])).toEqual([
      ['m-1', 'water', receivedAt],
      ['m-3', 'electricity', 1_718_451_000_000],
    ]);
    expect(result.readings[1]?.registerUnit).toBe('kWh');
    expect(result.rejections).toHaveLength(4);
    expect(result.rejections.map((r) => [r.index, r.reason, r.item])).toEqual([
      [1, 'INVALID_SHAPE', items[1]],
      [3, 'INVALID_METER_ID', items[3]],
      [4, 'UNKNOWN_KIND', items[4]],
      [5, 'INVALID_SHAPE', '42'],
    ]);
    expect(result.rejections[0]?.detail).toContain('"value"');
    expect(result.rejections[1]?.detail).toContain('"meterId"');
    expect(result.rejections[2]?.detail).toContain('steam');
  });

  it('a batch item may not carry an out-of-range time or Infinity either', () => {
    const body = `{"readings":[{"meterId":"a","kind":"gas","ts":1718452800,"value":1},{"meterId":"b","kind":"gas","ts":${receivedAt},"value":1e999}]}`;
    const result = parse(batchTopic, body);
    expect(result.readings).toEqual([]);
    expect(result.rejections.map((r) => [r.index, r.reason])).toEqual([
      [0, 'TIMESTAMP_OUT_OF_RANGE'],
      [1, 'NON_FINITE_NUMBER'],
    ]);
    // JSON.stringify writes Infinity as null: the dead letter still shows which item it was.
    expect(result.rejections[1]?.item).toBe(`{"meterId":"b","kind":"gas","ts":${receivedAt},"value":null}`);
  });

  it('refuses the whole batch when its envelope is wrong', () => {
    expectRejected(parse(batchTopic, { readings: 'many' }), 'INVALID_SHAPE', '"readings"');
    expectRejected(parse(batchTopic, { items: [] }), 'INVALID_SHAPE');
    expectRejected(parse(batchTopic, { readings: [], site: 'x' }), 'INVALID_SHAPE', '"site"');
    const badGateway = parse(batchTopic, { gatewayId: 'g w', readings: [] });
    expect(badGateway.rejections).toHaveLength(1);
    expect(['INVALID_SHAPE', 'INVALID_METER_ID']).toContain(badGateway.rejections[0]?.reason);
    expect(badGateway.rejections[0]?.detail).toContain('gatewayId');
  });

  it('survives (does not throw on) a deeply nested batch item: it is refused like any other bad item', () => {
    // ~100 kB, well under the 1 MiB default payload limit.
    const depth = 50_000;
    const body = `{"readings":[${'['.repeat(depth)}${']'.repeat(depth)}]}`;
    const big: ValidationLimits = { ...limits, maxPayloadBytes: 1_048_576 };
    let result: DeviceMessageResult | undefined;
    let thrown: unknown;
    try {
      result = parse(batchTopic, body, receivedAt, big);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeUndefined();
    expect(result?.readings).toEqual([]);
    expect(result?.rejections).toHaveLength(1);
    expect(result?.rejections[0]?.reason).toBe('INVALID_SHAPE');
  });
});

describe('parseDeviceMessage: edge statistics', () => {
  const stats = { kind: 'temperature', from: '2024-06-15T10:00:00Z', to: '2024-06-15T11:00:00Z', count: 360, min: 2.5, max: 4.5, mean: 3.25 };

  it('normalises a valid hourly summary', () => {
    const result = parse(statsTopic, { ...stats, sector: 'kitchen' });
    expect(result.rejections).toEqual([]);
    expect(result.readings).toEqual([]);
    expect(result.topicType).toBe('edge-stats');
    expect(result.edgeStats).toEqual([
      // 10:00Z and 11:00Z are two hours and one hour before receivedAt (12:00Z).
      { meterId: 'fridge-1', kind: 'temperature', from: receivedAt - 2 * hour, to: receivedAt - hour, count: 360, min: 2.5, max: 4.5, mean: 3.25, unit: 'degC', sector: 'kitchen', receivedAt },
    ]);
  });

  it('defaults the unit by kind and keeps a stated one', () => {
    expect(parse('meters/w-1/stats', { ...stats, kind: 'water' }).edgeStats[0]?.unit).toBe('L/min');
    expect(parse('meters/w-1/stats', { ...stats, kind: 'water', unit: 'L/h' }).edgeStats[0]?.unit).toBe('L/h');
  });

  it('accepts min = mean = max (a constant signal)', () => {
    expect(parse(statsTopic, { ...stats, min: 4, mean: 4, max: 4 }).edgeStats).toHaveLength(1);
  });

  it('refuses to <= from, naming both', () => {
    expectRejected(parse(statsTopic, { ...stats, to: stats.from }), 'INVALID_SHAPE', '"to"', '"from"');
    expectRejected(parse(statsTopic, { ...stats, from: stats.to, to: stats.from }), 'INVALID_SHAPE', '"to"', '"from"');
  });

  it('refuses min <= mean <= max violations', () => {
    expectRejected(parse(statsTopic, { ...stats, mean: 5 }), 'INVALID_SHAPE', '"mean"');
    expectRejected(parse(statsTopic, { ...stats, mean: 2 }), 'INVALID_SHAPE', '"mean"');
    expectRejected(parse(statsTopic, { ...stats, min: 5, mean: 4, max: 3 }), 'INVALID_SHAPE', '"min"');
  });

  it('refuses a count that does not match the spread: one sample with min < max', () => {
    expectRejected(parse(statsTopic, { ...stats, count: 1 }), 'INVALID_SHAPE', '"count"');
    expect(parse(statsTopic, { ...stats, count: 1, min: 3, mean: 3, max: 3 }).edgeStats).toHaveLength(1);
    expect(parse(statsTopic, { ...stats, count: 2 }).edgeStats).toHaveLength(1);
  });

  it('refuses a zero or fractional count, non-finite stats, bad times and a foreign meter id', () => {
    expectRejected(parse(statsTopic, { ...stats, count: 0 }), 'INVALID_SHAPE', '"count"');
    expectRejected(parse(statsTopic, { ...stats, count: 1.5 }), 'INVALID_SHAPE', '"count"');
    expectRejected(
      parse(statsTopic, '{"kind":"temperature","from":"2024-06-15T10:00:00Z","to":"2024-06-15T11:00:00Z","count":1,"min":1,"max":1e999,"mean":2}'),
      'NON_FINITE_NUMBER',
      '"max"',
    );
    expectRejected(parse(statsTopic, { ...stats, from: '2024-06-15T10:00:00' }), 'INVALID_SHAPE', '"from"');
    expectRejected(parse(statsTopic, { ...stats, from: '2024-01-01T00:00:00Z' }), 'TIMESTAMP_OUT_OF_RANGE', '"from"');
    expectRejected(parse(statsTopic, { ...stats, to: '2024-06-16T00:00:00Z' }), 'TIMESTAMP_OUT_OF_RANGE', '"to"');
    expectRejected(parse(statsTopic, { ...stats, meterId: 'fridge-2' }), 'METER_ID_MISMATCH', 'fridge-2');
    expectRejected(parse(statsTopic, { ...stats, kind: 'ice' }), 'UNKNOWN_KIND', 'ice');
    expectRejected(parse(statsTopic, { ...stats, median: 3 }), 'INVALID_SHAPE', '"median"');
  });
});

describe('parseDeviceMessage: never throws, always accounts for the input', () => {
  // mulberry32: a small seeded PRNG, so a failure reproduces.
  const prng = (seed: number) => () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const topics = ['meters/m-1/readings', 'meters/m-1/stats', 'gateways/gw-1/readings', 'meters/m-1/acks', 'meters/m-1/commands', 'x/y', 'meters//readings'];
  const big: ValidationLimits = { ...limits, maxBatchReadings: 3 };

  const run = (topic: string, payload: Buffer) => {
    let result: DeviceMessageResult | undefined;
    expect(() => {
      result = parseDeviceMessage(topic, payload, receivedAt, big);
    }).not.toThrow();
    const r = result as DeviceMessageResult;
    expect(r.readings.length + r.edgeStats.length + r.rejections.length).toBeGreaterThan(0);
    for (const reading of r.readings) {
      expect(reading.ts).toBeGreaterThanOrEqual(receivedAt - big.maxPastMs);
      expect(reading.ts).toBeLessThanOrEqual(receivedAt + big.maxFutureMs);
      expect(reading.meterId).toMatch(/^[A-Za-z0-9._:-]{1,64}$/);
    }
    return r;
  };

  it('200 random byte buffers', () => {
    const rand = prng(20240615);
    for (let i = 0; i < 200; i += 1) {
      const bytes = Buffer.alloc(Math.floor(rand() * 1500));
      for (let j = 0; j < bytes.length; j += 1) bytes[j] = Math.floor(rand() * 256);
      run(topics[Math.floor(rand() * topics.length)] as string, bytes);
    }
  });

  it('200 random JSON documents built from plausible and implausible fields', () => {
    const rand = prng(4);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
    const keys = ['meterId', 'kind', 'ts', 'value', 'register', 'seq', 'sector', 'from', 'to', 'count', 'min', 'max', 'mean', 'unit', 'valueUnit', 'registerUnit', 'gatewayId', 'readings', 'extra'];
    const scalars: unknown[] = [null, true, false, 0, -1, 1.5, 1e308, receivedAt, receivedAt - day, 1_718_452_800, 'water', 'gas', 'temperature', 'steam', '', 'm-1', '2024-06-15T11:00:00Z', '2024-06-15T11:00:00', 'x'.repeat(70)];
    const randomValue = (depth: number): unknown => {
      const r = rand();
      if (depth <= 0 || r < 0.6) return pick(scalars);
      if (r < 0.8) return Array.from({ length: 1 + Math.floor(rand() * 3) }, () => randomValue(depth - 1));
      return randomObject(depth - 1);
    };
    const randomObject = (depth: number): Record<string, unknown> => {
      const o: Record<string, unknown> = {};
      for (let k = Math.floor(rand() * 6); k > 0; k -= 1) o[pick(keys)] = randomValue(depth);
      return o;
    };
    const validReading = (meterId?: string) => ({ ...(meterId ? { meterId } : {}), kind: pick(['water', 'electricity', 'gas']), ts: receivedAt - Math.floor(rand() * day), value: rand() * 100 });
    // Start from something valid and break one field, so both outcomes are exercised.
    const mutate = (o: Record<string, unknown>) => {
      const r = rand();
      if (r < 0.3) return o;
      if (r < 0.6) o[pick(keys)] = randomValue(2);
      else delete o[pick(Object.keys(o))];
      return o;
    };
    let accepted = 0;
    let rejected = 0;
    for (let i = 0; i < 200; i += 1) {
      const shape = i % 4;
      let topic: string;
      let body: unknown;
      if (shape === 0) [topic, body] = ['meters/m-1/readings', mutate(validReading())];
      else if (shape === 1) [topic, body] = ['meters/m-1/stats', mutate({ kind: 'gas', from: receivedAt - 2 * hour, to: receivedAt - hour, count: 10, min: 1, max: 3, mean: 2 })];
      else if (shape === 2)
        [topic, body] = ['gateways/gw-1/readings', { readings: Array.from({ length: 1 + Math.floor(rand() * 4) }, (_, n) => mutate(validReading(`m-${n}`))) }];
      else [topic, body] = [pick(topics), randomObject(3)];
      const result = run(topic, Buffer.from(JSON.stringify(body)));
      // A single message has exactly one outcome; a batch one per item unless refused whole.
      const outcomes = result.readings.length + result.edgeStats.length + result.rejections.length;
      if (shape === 0 || shape === 1) expect(outcomes).toBe(1);
      if (shape === 2) {
        const wholeBatchRefused = result.rejections.some((r) => r.index === undefined);
        expect(outcomes).toBe(wholeBatchRefused ? 1 : (body as { readings: unknown[] }).readings.length);
      }
      accepted += result.readings.length + result.edgeStats.length;
      rejected += result.rejections.length;
    }
    expect(accepted).toBeGreaterThan(20);
    expect(rejected).toBeGreaterThan(20);
  });
});

describe('parseDeviceMessage: deeply nested JSON (hostile inputs)', () => {
  const mib: ValidationLimits = { ...limits, maxPayloadBytes: 1024 * 1024 };
  const depth = 500_000; // 1 MB of brackets: JSON.parse alone spent ~3 s on it, stalling the bridge for every meter

  it.each([
    ['a reading', readingTopic, '['.repeat(depth) + ']'.repeat(depth)],
    ['a reading value', readingTopic, `{"kind":"water","ts":${receivedAt},"value":${'['.repeat(depth)}${']'.repeat(depth)}}`],
    ['an ack', 'meters/m-1/acks', `{"commandId":"c-1","status":"applied","at":${'['.repeat(depth)}${']'.repeat(depth)}}`],
    ['a batch item', batchTopic, `{"readings":[${'['.repeat(depth)}${']'.repeat(depth)}]}`],
    ['a payload with a \\u escape (the reviver path)', readingTopic, `{"u":"\\u0041","x":${'['.repeat(depth)}${']'.repeat(depth)}}`],
  ])('%s 500,000 levels deep is refused in milliseconds, before parsing', (_name, topic, payload) => {
    const started = performance.now();
    const result = parse(topic, payload, receivedAt, mib);
    expect(performance.now() - started).toBeLessThan(200);
    expectRejected(result, 'INVALID_SHAPE', 'deeper than 16 levels');
  });

  it('counts only brackets outside strings, and lets ordinary batches through', () => {
    const bracketsInStrings = { readings: [{ meterId: 'm-1', ...water, valueUnit: '[[[[[[[[[[[[[[[[' }, { meterId: 'm-2', ...water, valueUnit: '{{{{\\"{{{{{{{{{{' }] };
    const result = parse(batchTopic, bracketsInStrings, receivedAt, mib);
    expect(result.rejections).toEqual([]);
    expect(result.readings.map((r) => r.valueUnit)).toEqual(['[[[[[[[[[[[[[[[[', '{{{{\\"{{{{{{{{{{']);
    const seventeen = `{"kind":"water","ts":${receivedAt},"value":1,"x":${'['.repeat(16)}${']'.repeat(16)}}`;
    expectRejected(parse(readingTopic, seventeen, receivedAt, mib), 'INVALID_SHAPE', 'deeper than 16 levels');
    const sixteen = `{"kind":"water","ts":${receivedAt},"value":1,"x":${'['.repeat(15)}${']'.repeat(15)}}`;
    expectRejected(parse(readingTopic, sixteen, receivedAt, mib), 'INVALID_SHAPE', 'unknown field');
  });
});

describe('parseDeviceMessage: command acks with numbers a LONG cannot hold (hostile inputs)', () => {
  it('refuses an ack whose seq or at is beyond 2^53 at the bridge, instead of a row the command log must dead-letter', () => {
    const acks = 'meters/m-1/acks';
    expectRejected(parse(acks, '{"commandId":"c-1","status":"applied","seq":1e21}'), 'INVALID_SHAPE', 'seq');
    expectRejected(parse(acks, '{"commandId":"c-1","status":"applied","at":1e300}'), 'INVALID_SHAPE', 'at');
    const ok = parse(acks, `{"commandId":"c-1","status":"applied","seq":${Number.MAX_SAFE_INTEGER}}`);
    expect(ok.rejections).toEqual([]);
    expect(ok.commandAcks).toEqual([{ meterId: 'm-1', ack: { commandId: 'c-1', status: 'applied', seq: Number.MAX_SAFE_INTEGER } }]);
  });
});

describe('parseDeviceMessage: control characters in units and ack reasons (hostile inputs)', () => {
  // QuestDB refused a row with NUL in a SYMBOL: every sink flush holding one was bisected.
  it.each(['a\u0000b', 'a\nb', '\u001b[31m', 'x\u007f'])('refuses the unit %j, and still takes emoji, spaces and ILP separators', (unit) => {
    expectRejected(parse(readingTopic, { ...water, valueUnit: unit }), 'INVALID_SHAPE', 'valueUnit', 'control characters');
    expectRejected(parse(readingTopic, { ...water, register: 1, registerUnit: unit }), 'INVALID_SHAPE', 'registerUnit');
    expectRejected(parse('meters/m-1/acks', { commandId: 'c-1', status: 'rejected', reason: `bad ${unit}` }), 'INVALID_SHAPE', 'reason');
  });

  it('keeps printable units exactly as sent', () => {
    const units = ['😀😀😀😀', 'a b,c=d', '"\\', 'm³/h'];
    const result = parse(batchTopic, { readings: units.map((u, i) => ({ meterId: `m-${i}`, ...water, valueUnit: u })) });
    expect(result.rejections).toEqual([]);
    expect(result.readings.map((r) => r.valueUnit)).toEqual(units);
  });
});
