import type { TableRow, TableRowOf } from '../questdb/table-row';
import { defineTable } from '../questdb/table-spec';

/**
 * The audit log: every mutation and policy action of the API, also the idempotency record of
 * mutations. A table with no topic: the API writes it and reads it back.
 */
export const auditLogTable = defineTable({
  name: 'audit_log',
  description: 'Every mutation and policy action: who, what, when, result; also the idempotency record of mutations. Key: (ts, request_id).',
  columns: {
    ts: 'TIMESTAMP',
    request_id: 'SYMBOL CAPACITY 65536 NOCACHE',
    actor: 'VARCHAR',
    role: 'SYMBOL CAPACITY 8 CACHE',
    operation: 'SYMBOL CAPACITY 64 CACHE',
    target: 'VARCHAR',
    args: 'VARCHAR',
    outcome: 'SYMBOL CAPACITY 4 CACHE',
    error_code: 'SYMBOL CAPACITY 64 CACHE',
    result: 'VARCHAR',
    idempotency_key: 'VARCHAR',
  },
  timestamp: 'ts',
  partitionBy: 'MONTH',
  dedupKeys: ['ts', 'request_id'],
});

export interface AuditEntry {
  /** Wall-clock epoch ms. */
  at: number;
  requestId: string;
  actor: string;
  role: string;
  operation: string;
  target: string;
  /** The mutation's arguments as JSON. */
  args: string;
  outcome: 'ok' | 'error' | 'denied';
  errorCode: string | null;
  /** The result as JSON, when there is one. */
  result: string | null;
  idempotencyKey: string | null;
}

export function auditEntryToRow(e: AuditEntry): TableRow {
  return {
    table: auditLogTable.name,
    ts: e.at,
    symbols: { request_id: e.requestId, role: e.role, operation: e.operation, outcome: e.outcome, ...(e.errorCode ? { error_code: e.errorCode } : {}) },
    values: { actor: e.actor, target: e.target, args: e.args, result: e.result, idempotency_key: e.idempotencyKey },
  } satisfies TableRowOf<typeof auditLogTable>;
}
