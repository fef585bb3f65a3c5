import { randomUUID } from 'node:crypto';
import { GraphQLError } from 'graphql';
import { writeTableRow } from '../../core/questdb/write-table-row';
import { auditEntryToRow } from '../../core/streams/audit-log';
import type { Logger } from '../../core/logger';
import { createIlpWriter } from '../../core/questdb/ilp-writer';
import type { QuestdbPool } from '../../core/questdb/questdb-sql';
import { requireAdmin, requireRole } from '../auth/authorize';
import type { GraphqlContext } from '../context';
import { badInput, conflict } from '../errors';
import { createIdempotencyCache } from './idempotency-cache';
import { createKeyedSerializer } from './keyed-serializer';
import type { MutationSpec, MutationSupport } from './mutation-support';

export interface MutationSupportOptions {
  questdb: QuestdbPool;
  questdbHttpUrl: string;
  idempotencyTtlS: number;
  logger: Logger;
}

const keyPattern = /^[\x21-\x7e]{1,128}$/;

/** Audit log + idempotency keys + serialised QuestDB writes for every mutation (see MutationSupport). */
export async function createMutationSupport(options: MutationSupportOptions): Promise<MutationSupport> {
  const writer = await createIlpWriter(options.questdbHttpUrl, { service: 'graphql', logger: options.logger.child('ilp') });
  const cache = createIdempotencyCache(options.idempotencyTtlS * 1000);
  const log = options.logger;
  const serializer = createKeyedSerializer();
  // One ILP sender, one writer at a time: a flush must carry only the rows of its own caller.
  let queue: Promise<unknown> = Promise.resolve();
  const write: MutationSupport['write'] = (rows) => {
    const next = queue.then(async () => {
      try {
        await rows(writer);
        const { refused } = await writer.flush();
        // The row is dead-lettered (reason QUESTDB_REFUSED); the caller must not be told it was stored.
        if (refused.length > 0) throw badInput('input', `a value cannot be stored (${refused.map((r) => r.error).join('; ').slice(0, 300)})`);
      } catch (error) {
        writer.discard();
        throw error;
      }
    });
    queue = next.catch(() => undefined);
    return next;
  };

  const audit = async (context: GraphqlContext, requestId: string, spec: MutationSpec<unknown>, outcome: 'ok' | 'error' | 'denied', errorCode: string | null, record: unknown) => {
    try {
      const row = auditEntryToRow({
        at: Date.now(),
        requestId,
        actor: context.principal.subject,
        role: context.principal.role,
        operation: spec.operation,
        target: spec.target,
        args: JSON.stringify(spec.args ?? null),
        outcome,
        errorCode: errorCode || null,
        result: record !== undefined ? JSON.stringify(record) : null,
        idempotencyKey: spec.idempotencyKey || null,
      });
      await write((w) => writeTableRow(w, row));
    } catch (error) {
      // The action itself has happened (or failed); losing its audit row is logged loudly, not hidden.
      log.error('audit row not written', { requestId, operation: spec.operation, error });
    }
  };

  /** The recorded result of an earlier successful attempt with this key, from QuestDB. */
  const recorded = async (context: GraphqlContext, spec: MutationSpec<unknown>): Promise<{ args: string; record: unknown } | undefined> => {
    const { rows } = await options.questdb.query<{ result: string; args: string }>(
      `SELECT result, args FROM audit_log
        WHERE actor = $1 AND operation = $2 AND idempotency_key = $3 AND outcome = 'ok' AND ts > $4
        LIMIT 1`,
      [context.principal.subject, spec.operation, spec.idempotencyKey, new Date(Date.now() - options.idempotencyTtlS * 1000).toISOString()],
    );
    return rows[0] ? { args: rows[0].args, record: JSON.parse(rows[0].result) } : undefined;
  };

  return {
    write,
    exclusive: (key, task) => serializer.run(key, task),
    async run<T>(context: GraphqlContext, spec: MutationSpec<T>, execute: (requestId: string) => Promise<T>): Promise<T> {
      const requestId = randomUUID();
      const anySpec = spec as MutationSpec<unknown>;
      try {
        if (spec.roles) requireRole(context, spec.roles, spec.operation);
        else requireAdmin(context);
        if (spec.idempotencyKey !== null && !keyPattern.test(spec.idempotencyKey)) {
          throw badInput('idempotencyKey', 'must be 1-128 printable ASCII characters without spaces');
        }
      } catch (error) {
        await audit(context, requestId, anySpec, 'denied', errorCode(error), undefined);
        throw error;
      }
      const cacheKey = spec.idempotencyKey === null ? null : `${context.principal.subject}\u0000${spec.operation}\u0000${spec.idempotencyKey}`;
      const args = JSON.stringify(spec.args ?? null);
      if (cacheKey) {
        const earlier = (await cache.get(cacheKey)) ?? (await recorded(context, anySpec));
        if (earlier !== undefined) {
          const first = earlier as { args: string; record: unknown };
          // Like a payment API: one key, one request. Reusing it for other arguments is a client bug.
          if (first.args !== args) throw conflict('idempotencyKey', `was already used for a different ${spec.operation} request`);
          return spec.fromRecord(first.record);
        }
      }
      const attempt = (async () => {
        try {
          const result = await execute(requestId);
          const record = spec.toRecord(result);
          await audit(context, requestId, anySpec, 'ok', null, record);
          return { result, record };
        } catch (error) {
          await audit(context, requestId, anySpec, 'error', errorCode(error), undefined);
          throw error;
        }
      })();
      if (cacheKey) cache.track(cacheKey, attempt.then((a) => ({ args, record: a.record })));
      return (await attempt).result;
    },
    stop: () => writer.close(),
  };
}

function errorCode(error: unknown): string {
  if (error instanceof GraphQLError && typeof error.extensions.code === 'string') return error.extensions.code;
  return 'INTERNAL';
}
