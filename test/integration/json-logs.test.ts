import { startChildService, waitForHealth, type ChildService } from '../../deploy/child-service';
import { connectMqtt } from '../../core/mqtt/mqtt-connection';
import { createTestPipeline, fleetMqtt, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';

// A log collector reads a service's stdout line by line: every line must be one JSON record,
// and what people search by (meterId, commandId, Kafka topic/partition/offset, code) a field.
describe('the bridge logs JSON records on stdout', () => {
  let pipeline: TestPipeline;
  let bridge: ChildService | null = null;
  let stdout = '';
  let stderr = '';
  const port = 18900 + Math.floor(Math.random() * 500);

  const records = (): Record<string, unknown>[] =>
    stdout
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => {
        try {
          return JSON.parse(line) as Record<string, unknown>;
        } catch {
          throw new Error(`not a JSON line on stdout: ${line}`);
        }
      });
  const withMessage = (msg: string) => records().filter((r) => r.msg === msg);

  beforeAll(() => {
    pipeline = createTestPipeline();
  });

  afterAll(async () => {
    await bridge?.stop();
    await pipeline?.stopAll();
  });

  it('a malformed MQTT message, an invalid and an expired command: each a record with its identifiers as fields; SIGTERM flushes the last lines', async () => {
    bridge = startChildService('bridge', 'bridge/cli.ts', {
      ...pipeline.env,
      MF_BRIDGE_HTTP_PORT: String(port),
      MF_LOG_LEVEL: 'debug', // dead letters are logged at debug (a bad meter can send thousands)
      MF_LOG_FORMAT: 'auto', // stdout is a pipe: JSON
    });
    // 'close' comes after the process's pipes are drained; 'exit' may come before its last lines are read.
    const child = bridge.process;
    const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
    child.stdout!.on('data', (chunk: string | Buffer) => (stdout += chunk.toString()));
    bridge.process.stderr!.on('data', (chunk: string | Buffer) => (stderr += chunk.toString()));
    await waitForHealth(`http://127.0.0.1:${port}/health`);

    const meterId = `${pipeline.runId}-m1`;
    const mqtt = await connectMqtt({ ...fleetMqtt(pipeline), clientId: `${pipeline.runId}-publisher`, clean: true });
    await mqtt.publishAsync(`meters/${meterId}/readings`, '{"value": 12.5, "ts": ', { qos: 1 });
    await mqtt.endAsync();

    // Partition 0 of this run's own commands topic: the first record is offset 0, the next 1.
    const producer = await pipeline.kafka.createProducer();
    const commandsTopic = pipeline.topics.commands.name;
    const issuedAt = '2026-01-01T00:00:00Z';
    await producer.sendBatch([
      { topic: commandsTopic, partition: 0, key: meterId, value: JSON.stringify({ commandId: `${pipeline.runId}-c1`, meterId, type: 'self-destruct', issuedAt, expiresAt: '2026-01-01T00:05:00Z' }) },
      { topic: commandsTopic, partition: 0, key: meterId, value: JSON.stringify({ commandId: `${pipeline.runId}-c2`, meterId, type: 'unblock', issuedAt, expiresAt: '2026-01-01T00:05:00Z' }) },
    ]);
    await producer.disconnect();

    await waitFor('the three lines', async () => ['dead-lettered', 'invalid command dead-lettered', 'command expired before delivery'].every((m) => withMessage(m).length > 0), Boolean, 60_000);
    await bridge.stop();
    expect(await bridge.exited).toBe(0);
    await closed;

    const all = records(); // throws on any line that is not JSON
    expect(all.length).toBeGreaterThanOrEqual(6);
    for (const record of all) {
      expect(record).toEqual(expect.objectContaining({ service: 'bridge', level: expect.stringMatching(/^(debug|info|warn|error)$/), msg: expect.any(String) }));
      expect(new Date(record.time as string).toISOString()).toBe(record.time);
    }
    // Nothing logged on stderr, and no stack trace anywhere below debug level's `stack` field.
    expect(stderr.split('\n').filter((line) => line.startsWith('{'))).toEqual([]);

    expect(withMessage('bridge started')).toEqual([expect.objectContaining({ level: 'info', bridgeId: `${pipeline.runId}-bridge`, httpPort: port })]);
    expect(withMessage('dead-lettered')).toEqual([
      expect.objectContaining({
        level: 'debug',
        code: 'READING_REJECTED',
        reason: 'MALFORMED_JSON',
        meterId,
        mqttTopic: `meters/${meterId}/readings`,
        topic: pipeline.topics.deadLetters.name,
        detail: expect.stringContaining('payload is not valid JSON'),
      }),
    ]);
    expect(withMessage('invalid command dead-lettered')).toEqual([
      expect.objectContaining({ level: 'warn', component: 'commands', topic: commandsTopic, partition: 0, offset: '0', field: 'type', commandId: `${pipeline.runId}-c1`, meterId }),
    ]);
    expect(withMessage('command expired before delivery')).toEqual([
      expect.objectContaining({ level: 'info', component: 'commands', topic: commandsTopic, partition: 0, offset: '1', commandId: `${pipeline.runId}-c2`, meterId, type: 'unblock' }),
    ]);
    // The shutdown lines, the last one written after the drain, just before exit.
    expect(withMessage('shutdown requested; draining')).toEqual([expect.objectContaining({ level: 'info', signal: 'SIGTERM' })]);
    expect(withMessage('draining')).toEqual([expect.objectContaining({ level: 'info', inFlight: expect.any(Number), kafkaPending: expect.any(Number) })]);
    expect(all.at(-1)).toEqual(expect.objectContaining({ level: 'info', msg: 'stopped', signal: 'SIGTERM' }));
  }, 120_000);
});
