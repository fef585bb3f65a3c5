import { createKafkaTopics, type KafkaTopics } from '../../../../core/contracts/kafka-topics';

// Hand-worked: 7 × 24 × 3600 × 1000 and 30 × 24 × 3600 × 1000.
const sevenDaysMs = '604800000';
const thirtyDaysMs = '2592000000';

const all = (topics: KafkaTopics) => Object.values(topics);

describe('createKafkaTopics', () => {
  it('uses the meterflow. prefix and 6 partitions by default', () => {
    const topics = createKafkaTopics();
    expect(topics.readings.name).toBe('meterflow.readings');
    expect(topics.edgeStats.name).toBe('meterflow.edge-stats');
    expect(topics.deadLetters.name).toBe('meterflow.dead-letters');
    expect(topics.commands.name).toBe('meterflow.commands');
    expect(topics.commandAcks.name).toBe('meterflow.command-acks');
    expect(topics.alerts.name).toBe('meterflow.alerts');
    expect(topics.readings.partitions).toBe(6);
  });

  it('applies a custom prefix to every topic', () => {
    const topics = createKafkaTopics('test-42.', 6);
    expect(all(topics)).toHaveLength(7);
    for (const t of all(topics)) {
      expect(t.name.startsWith('test-42.')).toBe(true);
      expect(t.name.slice('test-42.'.length)).not.toContain('meterflow');
    }
  });

  it('per-meter topics take the configured partition count; dead letters keep 3', () => {
    const topics = createKafkaTopics('p.', 12);
    for (const t of [topics.readings, topics.edgeStats, topics.commands, topics.commandAcks, topics.alerts, topics.rollups]) expect(t.partitions).toBe(12);
    expect(topics.deadLetters.partitions).toBe(3);
  });

  it('retains readings, stats and commands 7 days and dead letters and alerts 30 days', () => {
    const topics = createKafkaTopics();
    expect(topics.readings.config['retention.ms']).toBe(sevenDaysMs);
    expect(topics.edgeStats.config['retention.ms']).toBe(sevenDaysMs);
    expect(topics.commands.config['retention.ms']).toBe(sevenDaysMs);
    expect(topics.commandAcks.config['retention.ms']).toBe(sevenDaysMs);
    expect(topics.deadLetters.config['retention.ms']).toBe(thirtyDaysMs);
    expect(topics.alerts.config['retention.ms']).toBe(thirtyDaysMs);
  });

  it('topic config values are strings of plain integers (what the Kafka admin API takes)', () => {
    for (const t of all(createKafkaTopics())) {
      for (const value of Object.values(t.config)) expect(value).toMatch(/^\d+$/);
    }
  });

  it('names are unique and every topic is described', () => {
    const topics = all(createKafkaTopics());
    expect(new Set(topics.map((t) => t.name)).size).toBe(topics.length);
    for (const t of topics) expect(t.description.length).toBeGreaterThan(0);
  });

  it('names are legal Kafka topic names (≤ 249 chars of [a-zA-Z0-9._-])', () => {
    for (const t of all(createKafkaTopics())) expect(t.name).toMatch(/^[a-zA-Z0-9._-]{1,249}$/);
  });
});
