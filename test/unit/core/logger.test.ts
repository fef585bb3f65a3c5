import { createLogger, redactFields, redactUrl } from '../../../core/logger';

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

describe('logger', () => {
  it('masks secret-named fields and credentials in URL fields and messages (the sink logged its ILP URL)', () => {
    const written: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      const log = createLogger('sink', 'info');
      log.info('raw-readings sink started', { questdb: 'http://admin:s3cret@questdb:9000', brokers: ['k:9092'], password: 's3cret', apiKey: 's3cret', groupId: 'g' });
      log.error('cannot reach http://admin:s3cret@questdb:9000');
    } finally {
      spy.mockRestore();
    }
    const text = written.join('');
    expect(text).not.toContain('s3cret');
    expect(text).toContain('http://admin:***@questdb:9000');
    expect(text).toContain('"groupId":"g"');
    expect(redactFields({ token: '', n: 3 })).toEqual({ token: '', n: 3 });
  });
});
