import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { MeterflowError } from '../../../core/errors';
import { createLogger, redactFields, redactUrl, type LoggerOptions } from '../../../core/logger';

describe('redactUrl', () => {
  it.each([
    ['http://admin:s3cret@questdb:9000', 'http://admin:***@questdb:9000'],
    ['mqtts://bridge:p%40ss@broker:8883/x', 'mqtts://bridge:***@broker:8883/x'],
    ['http::addr=questdb:9000;username=admin;password=s3cret;auto_flush=off', 'http::addr=questdb:9000;username=admin;password=***;auto_flush=off'],
    ['https::addr=q:9000;token=abc.def', 'https::addr=q:9000;token=***'],
  ])('masks the password in %s', (url, expected) => {
    expect(redactUrl(url)).toBe(expected);
  });

  it('leaves URLs without credentials as they are', () => {
    expect(redactUrl('http://127.0.0.1:19000')).toBe('http://127.0.0.1:19000');
    expect(redactUrl('mqtt://user@host:1883')).toBe('mqtt://user@host:1883');
  });
});

/** A logger writing into an array: the raw lines, as a collector would read them. */
function capture(service: string, options: Omit<LoggerOptions, 'destination'> = {}) {
  const lines: string[] = [];
  const logger = createLogger(service, { ...options, destination: { write: (chunk: string) => void lines.push(...chunk.split('\n').filter(Boolean)) } });
  const records = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
  return { logger, lines, records };
}

describe('logger', () => {
  it('writes one JSON object per line: level by name, ISO time, service, component, the fields as fields, msg', () => {
    const { logger, lines, records } = capture('bridge', { level: 'info' });
    const before = Date.now();
    logger.info('dead-lettered', { meterId: 'm-0042', topic: 'meters/m-0042/readings', partition: 3, offset: '1200' });
    logger.child('commands').child('kafka').warn('a message\nover two lines', { commandId: 'c-1' });
    expect(lines).toHaveLength(2);
    const [dead, relay] = records();
    expect(dead).toEqual({ level: 'info', time: expect.any(String), service: 'bridge', msg: 'dead-lettered', meterId: 'm-0042', topic: 'meters/m-0042/readings', partition: 3, offset: '1200' });
    const time = Date.parse(dead!.time as string);
    expect(dead!.time).toBe(new Date(time).toISOString());
    expect(time).toBeGreaterThanOrEqual(before - 1);
    expect(time).toBeLessThanOrEqual(Date.now() + 1);
    // A child's child: the path of names, written once (pino would repeat a re-bound key).
    expect(relay).toMatchObject({ level: 'warn', service: 'bridge', component: 'commands:kafka', msg: 'a message\nover two lines', commandId: 'c-1' });
    expect(lines[1]!.match(/"component"/g)).toHaveLength(1);
  });

  it('drops lines below its level, in children too', () => {
    const { logger, records } = capture('sink', { level: 'warn' });
    const child = logger.child('ilp');
    for (const log of [logger, child]) {
      log.debug('d');
      log.info('i');
      log.warn('w');
      log.error('e');
    }
    expect(records().map((r) => `${String(r.component ?? '-')} ${String(r.level)} ${String(r.msg)}`)).toEqual(['- warn w', '- error e', 'ilp warn w', 'ilp error e']);
    const debug = capture('sink', { level: 'debug' });
    debug.logger.debug('d');
    expect(debug.records()).toMatchObject([{ level: 'debug', msg: 'd' }]);
  });

  it('makes an error under `error` its message, code and cause, with no stack trace below debug level', () => {
    const cause = new Error('connect ECONNREFUSED 127.0.0.1:19092');
    const refused = new MeterflowError('KAFKA_UNAVAILABLE', 'Kafka did not acknowledge 3 records', { cause });
    const { logger, lines, records } = capture('bridge', { level: 'info' });
    logger.error('cannot start', { error: refused });
    // kafkajs puts a `stack` field in some of its lines: also only at debug.
    logger.error('Crash', { error: 'broker gone', stack: 'Error: broker gone\n    at Broker.connect (broker.js:1:1)' });
    // The line's own code wins over the error's.
    logger.warn('row refused', { table: 'readings', code: 'QUESTDB_ROW_REFUSED', error: refused });
    const nodeError = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    logger.warn('MQTT error', { error: nodeError, previous: new TypeError('x is undefined') });
    expect(records()).toEqual([
      { level: 'error', time: expect.any(String), service: 'bridge', msg: 'cannot start', error: 'Kafka did not acknowledge 3 records', code: 'KAFKA_UNAVAILABLE', cause: 'connect ECONNREFUSED 127.0.0.1:19092' },
      { level: 'error', time: expect.any(String), service: 'bridge', msg: 'Crash', error: 'broker gone' },
      { level: 'warn', time: expect.any(String), service: 'bridge', msg: 'row refused', table: 'readings', code: 'QUESTDB_ROW_REFUSED', error: 'Kafka did not acknowledge 3 records', cause: 'connect ECONNREFUSED 127.0.0.1:19092' },
      { level: 'warn', time: expect.any(String), service: 'bridge', msg: 'MQTT error', error: 'read ECONNRESET', code: 'ECONNRESET', previous: 'x is undefined' },
    ]);
    expect(lines.join('\n')).not.toMatch(/\bat \S+ \(|logger\.test\.ts/);

    const debug = capture('bridge', { level: 'debug' });
    debug.logger.error('cannot start', { error: refused });
    const [record] = debug.records();
    expect(record!.stack).toEqual(expect.stringContaining('MeterflowError: Kafka did not acknowledge 3 records\n    at '));
    expect(record!.stack).toContain('logger.test.ts');
  });

  it('masks secret-named fields and credentials in URL fields and messages (the sink logged its ILP URL)', () => {
    const { logger, lines, records } = capture('sink', { level: 'info' });
    logger.info('raw-readings sink started', { questdb: 'http://admin:s3cret@questdb:9000', brokers: ['k:9092'], password: 's3cret', apiKey: 's3cret', groupId: 'g' });
    logger.error('cannot reach http://admin:s3cret@questdb:9000', { error: new Error('GET http::addr=q:9000;password=s3cret; failed') });
    expect(lines.join('\n')).not.toContain('s3cret');
    expect(records()).toMatchObject([
      { msg: 'raw-readings sink started', questdb: 'http://admin:***@questdb:9000', brokers: ['k:9092'], password: '***', apiKey: '***', groupId: 'g' },
      { msg: 'cannot reach http://admin:***@questdb:9000', error: 'GET http::addr=q:9000;password=***; failed' },
    ]);
    expect(redactFields({ token: '', n: 3 })).toEqual({ token: '', n: 3 });
  });

  it('writes a parsable line whatever the fields hold (a cycle, a bigint offset, NaN)', () => {
    const { logger, records } = capture('sink', { level: 'info' });
    const state: Record<string, unknown> = { id: 1 };
    state.self = state;
    logger.warn('odd fields', { state, offset: 12n, value: NaN });
    expect(records()).toEqual([{ level: 'warn', time: expect.any(String), service: 'sink', msg: 'odd fields', state: { id: 1, self: '[Circular]' }, offset: 12, value: null }]);
  });

  it('refuses an unknown level or format by name', () => {
    expect(() => createLogger('x', { level: 'verbose' as never })).toThrow('log level must be one of debug, info, warn, error; got "verbose"');
    expect(() => createLogger('x', { format: 'text' as never })).toThrow('log format must be one of auto, json, pretty; got "text"');
  });

  it('prints for people with MF_LOG_FORMAT=pretty and JSON with json, on stdout, flushed at exit', () => {
    const repo = path.resolve(__dirname, '../../..');
    const script = "const { createLogger } = require('./core/logger'); const log = createLogger('bridge'); log.child('commands').warn('command relayed', { meterId: 'm-7' }); process.exit(0);";
    const run = (format: string) => execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: repo, env: { ...process.env, MF_LOG_FORMAT: format, MF_LOG_LEVEL: 'info', NO_COLOR: '1' }, encoding: 'utf8' });
    const pretty = run('pretty');
    expect(pretty).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] WARN: \[bridge:commands\] command relayed \{"meterId":"m-7"\}\n$/);
    const json = run('json');
    expect(JSON.parse(json)).toMatchObject({ level: 'warn', service: 'bridge', component: 'commands', msg: 'command relayed', meterId: 'm-7' });
    expect(json.trim().split('\n')).toHaveLength(1);
  });
});
