import { createHash, randomUUID } from 'node:crypto';

/**
 * The id of a command a mutation issues. With an idempotency key it is a function of
 * (subject, operation, key), so a retry — even one the audit log has not seen yet, or one
 * served by another API instance — names the same command and the service refuses to send it
 * twice. Without a key every call is a new command.
 */
export function commandIdFor(subject: string, operation: string, idempotencyKey: string | null): string {
  if (idempotencyKey === null) return `cmd-${randomUUID()}`;
  return `cmd-${createHash('sha256').update(`${subject}\u0000${operation}\u0000${idempotencyKey}`).digest('hex').slice(0, 40)}`;
}
