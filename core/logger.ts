/** A small line logger: `time level [name] message {fields}`, to stderr so stdout stays for program output. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const rank: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(name: string): Logger;
}

export function createLogger(name: string, level: LogLevel = (process.env.MF_LOG_LEVEL as LogLevel) || 'info'): Logger {
  const threshold = rank[level] ?? rank.info;
  const write = (at: LogLevel, message: string, fields?: Record<string, unknown>) => {
    if (rank[at] < threshold) return;
    const tail = fields && Object.keys(fields).length > 0 ? ` ${JSON.stringify(redactFields(fields))}` : '';
    process.stderr.write(`${new Date().toISOString()} ${at.padEnd(5)} [${name}] ${redactUrls(message)}${tail}\n`);
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (child) => createLogger(`${name}:${child}`, level),
  };
}

/** For tests and embedded use: a logger that says nothing. */
export const silentLogger: Logger = {
  debug: () => {},
  info: () => {},
  warn: () => {},
  error: () => {},
  child: () => silentLogger,
};

/**
 * `scheme://user:password@host/…` → `scheme://user:***@host/…`, and QuestDB client
 * configuration strings (`http::addr=…;username=…;password=…;`) with `password`/`token` masked.
 * For anything that may carry credentials before it is logged or shown.
 */
export function redactUrl(url: string): string {
  return url
    .replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^\s/@:]*:)[^\s/@]*@/gi, '$1***@')
    .replace(/(\b(?:password|token|token_x|token_y)=)[^;\s]*/gi, '$1***');
}

function redactUrls(text: string): string {
  return text.includes('@') || text.includes('=') ? redactUrl(text) : text;
}

// Field names whose values are credentials whatever they look like.
const secretField = /pass(word)?|secret|token|api[-_]?key|master[-_]?key|authorization/i;

/**
 * Log fields with credentials masked: values of secret-named fields, and passwords inside URLs
 * (the sink once logged its QuestDB URL with ILP credentials). Applied by every logger line, so
 * a service cannot leak a secret by logging its options.
 */
export function redactFields(fields: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (secretField.test(key) && value !== undefined && value !== null && value !== '') out[key] = '***';
    else if (typeof value === 'string') out[key] = redactUrls(value);
    else if (Array.isArray(value)) out[key] = value.map((item) => (typeof item === 'string' ? redactUrls(item) : item));
    else out[key] = value;
  }
  return out;
}
