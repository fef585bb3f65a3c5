import { createDeadLetter } from '../../../../core/contracts/dead-letter';

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
});
