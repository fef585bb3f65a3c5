import { ingestSubscriptions, mqttTopics, parseDeviceTopic } from '../../../../core/contracts/mqtt-topics';

describe('mqttTopics builders', () => {
  it('build the documented topic tree', () => {
    expect(mqttTopics.reading('wm-0001')).toBe('meters/wm-0001/readings');
    expect(mqttTopics.edgeStats('pico-7')).toBe('meters/pico-7/stats');
    expect(mqttTopics.gatewayBatch('sector-3')).toBe('gateways/sector-3/readings');
    expect(mqttTopics.command('wm-0001')).toBe('meters/wm-0001/commands');
    expect(mqttTopics.commandAck('wm-0001')).toBe('meters/wm-0001/acks');
  });

  it('the bridge subscribes to exactly the four device → platform topics', () => {
    expect([...ingestSubscriptions].sort()).toEqual(['gateways/+/readings', 'meters/+/acks', 'meters/+/readings', 'meters/+/stats']);
    // The '+' wildcard stands for exactly one level, the id.
    const asRegex = (filter: string) => new RegExp(`^${filter.replace('+', '[^/]+')}$`);
    expect(ingestSubscriptions.some((f) => asRegex(f).test(mqttTopics.reading('a')))).toBe(true);
    expect(ingestSubscriptions.some((f) => asRegex(f).test(mqttTopics.edgeStats('a')))).toBe(true);
    expect(ingestSubscriptions.some((f) => asRegex(f).test(mqttTopics.gatewayBatch('a')))).toBe(true);
    expect(ingestSubscriptions.some((f) => asRegex(f).test(mqttTopics.command('a')))).toBe(false);
    expect(ingestSubscriptions.some((f) => asRegex(f).test(mqttTopics.commandAck('a')))).toBe(true);
  });
});

describe('parseDeviceTopic', () => {
  it.each(['m1', 'wm-0001', 'site.a:meter_9', 'A'.repeat(64)])('round-trips the builders for id %s', (id) => {
    expect(parseDeviceTopic(mqttTopics.reading(id))).toEqual({ type: 'reading', meterId: id });
    expect(parseDeviceTopic(mqttTopics.edgeStats(id))).toEqual({ type: 'edge-stats', meterId: id });
    expect(parseDeviceTopic(mqttTopics.gatewayBatch(id))).toEqual({ type: 'gateway-batch', gatewayId: id });
    expect(parseDeviceTopic(mqttTopics.commandAck(id))).toEqual({ type: 'command-ack', meterId: id });
  });

  it('does not classify the platform → device command topic as device traffic', () => {
    expect(parseDeviceTopic(mqttTopics.command('m1'))).toBeNull();
  });

  it.each([
    ['too shallow', 'meters/m1'],
    ['too deep', 'meters/m1/readings/x'],
    ['leading slash', '/meters/m1/readings'],
    ['trailing slash', 'meters/m1/readings/'],
    ['single level', 'meters'],
    ['empty topic', ''],
    ['empty id', 'meters//readings'],
    ['empty gateway id', 'gateways//readings'],
    ['unknown root', 'meter/m1/readings'],
    ['a foreign topic layout', 'energy/consumption'],
    ['unknown root, known leaf', 'devices/m1/readings'],
    ['unknown leaf', 'meters/m1/reading'],
    ['leaf case matters', 'meters/m1/Readings'],
    ['gateways have no stats', 'gateways/g1/stats'],
    ['gateways have no acks', 'gateways/g1/acks'],
  ])('%s → null (%j)', (_why, topic) => {
    expect(parseDeviceTopic(topic)).toBeNull();
  });
});
