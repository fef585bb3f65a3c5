/**
 * What a log line's fields may hold: credentials masked, errors as searchable fields (`error`
 * is the message, `code` the error code), stack traces only when asked for (debug level).
 */

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

/** redactUrl, skipped for the many texts that cannot hold a credential (hot path). */
export function redactText(text: string): string {
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
  return logFields(fields, false);
}

/**
 * redactFields, and errors made fields: an Error under `error` becomes its message (`error`),
 * its code (`code`, unless the line gives one) and its cause's message (`cause`); an Error under
 * any other name becomes its message. Stack traces (an Error's, or a `stack` field such as
 * kafkajs adds) are kept only with `withStack`: they are many lines of file paths, useless for
 * the expected failures that carry a code, and the logger asks for them only at debug level.
 */
export function logFields(fields: Record<string, unknown>, withStack: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || (key === 'stack' && !withStack)) continue;
    if (secretField.test(key) && value !== null && value !== '') out[key] = '***';
    else if (typeof value === 'string') out[key] = redactText(value);
    else if (value instanceof Error) {
      out[key] = redactText(value.message);
      if (key !== 'error') continue;
      const code = (value as { code?: unknown }).code;
      if (out.code === undefined && fields.code === undefined && (typeof code === 'string' || typeof code === 'number')) out.code = code;
      if (value.cause instanceof Error) out.cause = redactText(value.cause.message);
      if (withStack && value.stack) out.stack = redactText(value.stack);
    } else if (Array.isArray(value)) out[key] = value.map((item) => (typeof item === 'string' ? redactText(item) : item));
    else out[key] = value;
  }
  return out;
}
