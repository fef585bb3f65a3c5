import { refusedRecordDeadLetter } from '../../../bridge/refused-record';
import { MeterflowError } from '../../../core/errors';

describe('refusedRecordDeadLetter', () => {
  const error = new MeterflowError('KAFKA_RECORD_REJECTED', 'Kafka refused the records: MESSAGE_TOO_LARGE');

  it('replaces a refused dead letter of ~350 KB with one of a few KiB that names its MQTT topic, the refused size and why', () => {
    const refused = JSON.stringify({ reason: 'INVALID_SHAPE', detail: 'unknown field(s)', mqttTopic: 'meters/m-9/readings', payloadBase64: 'A'.repeat(350_000) });
    const out = refusedRecordDeadLetter({ topic: 'p.dead-letters', key: 'm-9', value: refused }, error, { topic: 'p.dead-letters', bridgeId: 'bridge-1' });
    expect(out.topic).toBe('p.dead-letters');
    expect(out.key).toBe('m-9');
    expect(Buffer.byteLength(out.value as string)).toBeLessThan(8 * 1024);
    const letter = JSON.parse(out.value as string);
    expect(letter).toMatchObject({ reason: 'KAFKA_REFUSED', mqttTopic: 'meters/m-9/readings', payloadBytes: Buffer.byteLength(refused), payloadTruncated: true, bridgeId: 'bridge-1' });
    expect(letter.detail).toContain('MESSAGE_TOO_LARGE');
    // The first 4 KiB of the refused record are kept, so it can be recognised.
    expect(Buffer.from(letter.payloadBase64, 'base64').toString()).toBe(refused.slice(0, 4096));
  });

  it('names the Kafka topic when the refused record is not a dead letter, and cuts a huge key', () => {
    const out = refusedRecordDeadLetter({ topic: 'p.readings', key: 'k'.repeat(10_000), value: Buffer.from('x') }, error, { topic: 'p.dead-letters', bridgeId: 'b' });
    const letter = JSON.parse(out.value as string);
    expect(letter.mqttTopic).toBe('kafka:p.readings');
    expect(letter.payloadTruncated).toBe(false);
    expect(out.key.length).toBeLessThanOrEqual(256);
  });
});
