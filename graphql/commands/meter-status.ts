import type { BlockReason, MeterStatusView } from './command-service';

/** A block or unblock command the meter applied. */
export interface AppliedSwitch {
  commandId: string;
  meterId: string;
  type: 'block' | 'unblock';
  reason: BlockReason | null;
  note: string | null;
  /** When the device applied it (epoch ms). */
  appliedAt: number;
}

export const activeStatus: MeterStatusView = { status: 'ACTIVE', reason: null, note: null, since: null, commandId: null };

/**
 * BLOCKED iff the meter's last applied block/unblock is a block. "Last" is by applied time,
 * not issue time: the device's answer is what its valve did last.
 */
export function meterStatusOf(applied: readonly AppliedSwitch[]): MeterStatusView {
  let last: AppliedSwitch | null = null;
  for (const a of applied) if (!last || a.appliedAt > last.appliedAt || (a.appliedAt === last.appliedAt && a.commandId > last.commandId)) last = a;
  if (!last) return activeStatus;
  return last.type === 'block'
    ? { status: 'BLOCKED', reason: last.reason, note: last.note, since: new Date(last.appliedAt), commandId: last.commandId }
    : { status: 'ACTIVE', reason: null, note: null, since: new Date(last.appliedAt), commandId: last.commandId };
}
