/**
 * The one error type the local stack throws on purpose. `code` is stable (scripts and the
 * test setup can branch on it); the message always says what to do next.
 */
export const stackErrorCodes = {
  STACK_CONFIG_INVALID: 'An MF_* variable has a bad value; the message names it',
  STACK_REQUIREMENT_MISSING: 'A program the stack runs is not installed; the message has the install command',
  STACK_ARTIFACTS_FAILED: 'mvn could not resolve the Kafka/QuestDB jars',
  STACK_PORT_TAKEN: 'A port the stack needs is used by a process the stack did not start',
  STACK_START_FAILED: 'A server exited while starting; the message has the end of its log',
  STACK_HEALTH_TIMEOUT: 'A server did not become healthy in time; the message has the end of its log',
  STACK_STOP_FAILED: 'A server could not be stopped',
  STACK_LOCKED: 'Another `up`/`down` kept the stack lock for too long',
  STACK_METER_ID_INVALID: 'A meter id cannot be an MQTT account (bad characters, or the name of a service account)',
  STACK_PROVISION_FAILED: 'Meter accounts could not be written, or the running broker did not take them',
} as const;

export type StackErrorCode = keyof typeof stackErrorCodes;

export class StackError extends Error {
  readonly code: StackErrorCode;

  constructor(code: StackErrorCode, message: string, options: { cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'StackError';
    this.code = code;
  }
}

export function isStackError(error: unknown, code?: StackErrorCode): error is StackError {
  return error instanceof StackError && (code === undefined || error.code === code);
}
