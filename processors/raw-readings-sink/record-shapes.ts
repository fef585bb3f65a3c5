

/**
 * Cheap shape checks of what the bridge writes to the edge-stats and dead-letter topics (readings: core/streams/readings.ts), made before a row touches the ILP buffer: a
 * record of the wrong shape written by anything else would otherwise fail every flush and stop
 * the sink (the buffer cannot be partly rolled back). Returns what is wrong, or null.
 */
type Check = (body: Record<string, unknown>) => string | null;

const str = (field: string): Check => (b) => (typeof b[field] === 'string' && b[field] !== '' ? null : `"${field}" must be a non-empty string`);
const num = (field: string): Check => (b) => (typeof b[field] === 'number' && Number.isFinite(b[field]) ? null : `"${field}" must be a finite number`);
const strOrNull = (field: string): Check => (b) => (b[field] === null || b[field] === undefined || typeof b[field] === 'string' ? null : `"${field}" must be a string or null`);

const shapes = {
  edgeStats: [str('meterId'), str('kind'), num('from'), num('to'), num('count'), num('min'), num('max'), num('mean'), strOrNull('sector'), strOrNull('unit'), num('receivedAt')],
  deadLetter: [str('reason'), str('detail'), str('mqttTopic'), num('receivedAt'), str('payloadBase64'), num('payloadBytes'), str('bridgeId')],
} satisfies Record<string, Check[]>;

function problem(checks: Check[], body: object): string | null {
  for (const check of checks) {
    const p = check(body as Record<string, unknown>);
    if (p) return p;
  }
  return null;
}

export const edgeStatsProblem = (body: object): string | null => problem(shapes.edgeStats, body);
export const deadLetterProblem = (body: object): string | null => problem(shapes.deadLetter, body);

