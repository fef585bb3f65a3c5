import { createDeadLetter, deadLetterKey, maxDeadLetterBytes } from '../../../../core/streams/dead-letters';

describe('createDeadLetter', () => {
  it('carries the original bytes as base64 and their length', () => {
    // '{"a":1}' = 7b 22 61 22 3a 31 7d → "eyJh" "Ijox" "fQ==".
    const letter = createDeadLetter({ reason: 'MALFORMED_JSON', detail: 'd', mqttTopic: 'meters/m1/readings', receivedAt: 5, bridgeId: 'bridge-1', payload: Buffer.from('{"a":1}') });
    expect(letter).toEqual({ reason: 'MALFORMED_JSON', detail: 'd', mqttTopic: 'meters/m1/readings', receivedAt: 5, bridgeId: 'bridge-1', payloadBase64: 'eyJhIjoxfQ==', payloadBytes: 7, payloadTruncated: false });
    expect('payload' in letter).toBe(false);
  });

  it('counts bytes, not characters, and keeps binary payloads intact', () => {
    const payload = Buffer.from([0xff, 0x00, 0xc3, 0xa9]);
    const letter = createDeadLetter({ reason: 'MALFORMED_JSON', detail: '', mqttTopic: 't', receivedAt: 0, bridgeId: 'b', payload });
    expect(letter.payloadBytes).toBe(4);
    expect(Buffer.from(letter.payloadBase64, 'base64').equals(payload)).toBe(true);
  });

  it('keeps only the first 256 KiB of an oversize payload, and says so', () => {
    // 1 MiB + 1 of 'x': Kafka (max.message.bytes ~1 MB) would refuse the whole of it.
    const payload = Buffer.alloc(1024 * 1024 + 1, 'x');
    const letter = createDeadLetter({ reason: 'PAYLOAD_TOO_LARGE', detail: '', mqttTopic: 't', receivedAt: 0, bridgeId: 'b', payload });
    const kept = Buffer.from(letter.payloadBase64, 'base64');
    expect(kept.length).toBe(262144);
    expect(kept.equals(payload.subarray(0, 262144))).toBe(true);
    expect(letter.payloadBytes).toBe(1048577);
    expect(letter.payloadTruncated).toBe(true);
  });

  it('keeps the batch index when given', () => {
    const letter = createDeadLetter({ reason: 'INVALID_SHAPE', detail: '', mqttTopic: 'gateways/g/readings', receivedAt: 0, bridgeId: 'b', index: 3, payload: Buffer.from('42') });
    expect(letter.index).toBe(3);
    expect(letter.payloadBase64).toBe('NDI=');
  });

  it('has a size bound by construction, whatever the device sent: the worst case serialises under it and under Kafka\'s 1 MiB', () => {
    // Every string field at its worst: control characters JSON escapes as \u00XX (6 bytes each), far past every cut.
    const hostile = '\u0001'.repeat(100_000);
    const letter = createDeadLetter({ reason: 'INVALID_SHAPE', detail: hostile, mqttTopic: hostile, receivedAt: Number.MAX_SAFE_INTEGER, bridgeId: hostile, index: Number.MAX_SAFE_INTEGER, payload: Buffer.alloc(10 * 1024 * 1024, 0xff) });
    const bytes = Buffer.byteLength(JSON.stringify(letter));
    expect(bytes).toBeLessThanOrEqual(maxDeadLetterBytes);
    expect(maxDeadLetterBytes).toBeLessThan(1024 * 1024);
    expect(letter.detail.length).toBeLessThanOrEqual(1000);
    expect(letter.mqttTopic.length).toBeLessThanOrEqual(256);
  });

  it('cuts a long detail without splitting a surrogate pair, and marks the cut', () => {
    const letter = createDeadLetter({ reason: 'INVALID_SHAPE', detail: '😀'.repeat(600), mqttTopic: 't', receivedAt: 0, bridgeId: 'b', payload: Buffer.from('x') });
    expect(letter.detail.endsWith('…')).toBe(true);
    expect(letter.detail.length).toBeLessThanOrEqual(1000);
    expect(Buffer.from(letter.detail, 'utf8').toString('utf8')).toBe(letter.detail); // no lone surrogate (it would become U+FFFD)
  });

  it('keys by meter id, or by the topic cut to 256 characters', () => {
    expect(deadLetterKey('m-1', 'meters/m-1/readings')).toBe('m-1');
    expect(deadLetterKey(null, 'x/'.repeat(30_000)).length).toBeLessThanOrEqual(256);
    // The id of a refused topic is not validated: a 60,000-character topic level is cut too.
    expect(deadLetterKey('m'.repeat(60_000), 'meters/…/readings').length).toBeLessThanOrEqual(256);
  });
});
