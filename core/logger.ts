import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import pretty from 'pino-pretty';
import { logFields, redactText } from './log-fields';

export { redactFields, redactUrl } from './log-fields';

/**
 * Logs as records a collector (Loki, Elasticsearch, CloudWatch) can parse: one JSON object per
 * line, `{"level":"info","time":"<ISO 8601>","service":"bridge","component":"kafka",…fields,"msg":"…"}`.
 * Identifiers people search by (meterId, commandId, topic, partition, offset, code, table,
 * groupId) go in fields, never inside the message. On a terminal the same records are printed
 * by pino-pretty instead (docs/operations.md#logs).
 */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type LogFormat = 'auto' | 'json' | 'pretty';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  /** The same service's logger with `component` set (`kafka`; a child's child: `commands:kafka`). */
  child(name: string): Logger;
  /**
   * Resolves when every line logged so far is written (call before process.exit). Optional so
   * that a test's recording logger need not write one.
   */
  flush?(): Promise<void>;
}

export interface LoggerOptions {
  /** Lines below it are dropped at the call (no formatting). @default MF_LOG_LEVEL, else 'info' */
  level?: LogLevel;
  /** 'auto': pretty when the destination is a terminal, else JSON lines. @default MF_LOG_FORMAT, else 'auto' */
  format?: LogFormat;
  /**
   * Where lines go: services log on stdout; a command-line tool whose stdout is its output (the
   * import's summary) logs on stderr; tests pass a stream. @default 'stdout'
   */
  destination?: 'stdout' | 'stderr' | DestinationStream;
}

const levels: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];
const formats: readonly LogFormat[] = ['auto', 'json', 'pretty'];

export function createLogger(service: string, options: LoggerOptions = {}): Logger {
  const level = options.level ?? ((process.env.MF_LOG_LEVEL as LogLevel | undefined) || 'info');
  const format = options.format ?? ((process.env.MF_LOG_FORMAT as LogFormat | undefined) || 'auto');
  // Config validation names the variable; this guards direct callers (tests, tools).
  if (!levels.includes(level)) throw new Error(`log level must be one of ${levels.join(', ')}; got "${level}"`);
  if (!formats.includes(format)) throw new Error(`log format must be one of ${formats.join(', ')}; got "${format}"`);
  const root = pino(
    {
      level,
      base: { service },
      timestamp: pino.stdTimeFunctions.isoTime,
      // The level as its name: collectors and people search for "error", not 50.
      formatters: { level: (label) => ({ level: label }) },
    },
    destinationFor(options.destination ?? 'stdout', format),
  );
  return wrap(root, root, level === 'debug', '');
}

function destinationFor(destination: NonNullable<LoggerOptions['destination']>, format: LogFormat): DestinationStream {
  if (typeof destination !== 'string') return destination;
  const fd = destination === 'stdout' ? 1 : 2;
  const tty = Boolean((destination === 'stdout' ? process.stdout : process.stderr).isTTY);
  if (format === 'pretty' || (format === 'auto' && tty)) {
    return pretty({
      destination: fd,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'service,component',
      messageFormat: '[{service}{if component}:{component}{end}] {msg}',
      // One line per record: still one line when a tool prefixes each line (npm run demo: `[bridge] …`).
      singleLine: true,
    });
  }
  // Asynchronous: a log call on a hot path queues its line and returns; flush() (on shutdown)
  // and pino's exit hook write what is queued. minLength 1 still writes every line at once, but
  // makes flush() wait for the writes in flight: with 0, sonic-boom calls back at once and an
  // exit right after could lose the last lines (the "stopped" line, seen in CI).
  return pino.destination({ dest: fd, sync: false, minLength: 1 });
}

function wrap(root: PinoLogger, pinoLogger: PinoLogger, withStack: boolean, component: string): Logger {
  // A disabled level is a no-op function: no field copying for lines nobody reads.
  const method = (level: LogLevel) => {
    if (!pinoLogger.isLevelEnabled(level)) return () => {};
    return (message: string, fields?: Record<string, unknown>) => {
      if (fields) pinoLogger[level](logFields(fields, withStack), redactText(message));
      else pinoLogger[level](redactText(message));
    };
  };
  return {
    debug: method('debug'),
    info: method('info'),
    warn: method('warn'),
    error: method('error'),
    child: (name) => {
      const path = component ? `${component}:${name}` : name;
      // From the service's logger, not this one: pino would write a second `component` key.
      return wrap(root, root.child({ component: path }), withStack, path);
    },
    flush: () =>
      new Promise((resolve) => {
        // An error here is a closed pipe: nothing more can be written, and shutdown goes on.
        pinoLogger.flush(() => resolve());
      }),
  };
}

/** For tests and embedded use: a logger that says nothing. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
  flush: () => Promise.resolve(),
};
