import { writeTableRow } from '../../../core/questdb/write-table-row';
import { alertFromColumns, alertToRow, type StoredAlertRow } from '../../../core/streams/alerts';
import type { GraphqlContext } from '../../context';
import { badInput, conflict, notFound } from '../../errors';
import { validateId } from '../arguments';
import { alertFromSql, type AlertView } from '../alerts/alert-queries';
import { currentAlertRow } from './current-alert-row';

interface AlertActionArgs {
  alertId: string;
  note?: string | null;
  idempotencyKey?: string | null;
}

async function latest(context: GraphqlContext, alertId: string): Promise<StoredAlertRow | null> {
  const stored = await currentAlertRow(context.questdb, alertId);
  // Rows written here but not yet visible in QuestDB (WAL), so an immediate re-read sees them.
  const mine = context.recentWrites.alerts.get(alertId);
  if (mine && (!stored || mine.ts.getTime() > stored.ts.getTime())) return mine;
  if (mine) context.recentWrites.alerts.delete(alertId);
  return stored;
}

function transition(operation: 'acknowledgeAlert' | 'closeAlert', state: 'acknowledged' | 'closed') {
  return (_: unknown, args: AlertActionArgs, context: GraphqlContext) =>
    context.mutations.run(
      context,
      {
        operation,
        target: args.alertId,
        args,
        idempotencyKey: args.idempotencyKey ?? null,
        toRecord: (alert: AlertView) => ({ alertId: alert.id }),
        fromRecord: async (record) => {
          const row = await latest(context, (record as { alertId: string }).alertId);
          if (!row) throw notFound('alertId', 'the alert of this earlier request is no longer stored');
          return alertFromSql(row);
        },
      },
      async () => {
        validateId('alertId', args.alertId);
        if (args.note != null && args.note.length > 500) throw badInput('note', 'must be at most 500 characters');
        const row = await latest(context, args.alertId);
        if (!row) throw notFound('alertId', `no alert ${JSON.stringify(args.alertId)}`);
        if (row.state === 'closed') throw conflict('alertId', `alert ${args.alertId} is already closed`);
        if (row.state === state) return alertFromSql(row);
        // After the latest row even if the processor's event time runs ahead of this clock.
        const now = Math.max(Date.now(), row.ts.getTime() + 1);
        const next: StoredAlertRow = { ...row, ts: new Date(now), state, ended_at: state === 'closed' ? new Date(now) : row.ended_at };
        // Through the alert stream's codec, as the processors write it, so readers see one kind of alert row.
        const event = alertFromColumns({
          ts: now,
          alert_id: next.alert_id,
          meter_id: next.meter_id,
          sector: next.sector,
          rule: next.rule,
          rule_kind: next.rule_kind,
          severity: next.severity,
          state,
          started_at: next.started_at?.getTime() ?? now,
          ended_at: next.ended_at?.getTime() ?? null,
          estimated_loss_l: next.estimated_loss_l,
          evidence: next.evidence,
        });
        await context.mutations.write((w) => writeTableRow(w, alertToRow(event)));
        context.recentWrites.alerts.set(next.alert_id, next);
        return alertFromSql(next);
      },
    );
}

export const alertActionsResolvers = {
  Mutation: {
    acknowledgeAlert: transition('acknowledgeAlert', 'acknowledged'),
    closeAlert: transition('closeAlert', 'closed'),
  },
};
