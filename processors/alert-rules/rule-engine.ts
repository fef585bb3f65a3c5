import type { Reading } from '../../core/contracts';
import type { AlertEvent } from '../../core/streams/alerts';
import { billVariation, recordBill, type BillInput } from './bill-variation-rule';
import { newRiseState, riseSample } from './rate-of-rise-rule';
import { registerAnomaly, type RegisterEventInput } from './register-anomaly-rule';
import { rulesFor, type AlertRule, type AlertRulesConfig } from './rule-config';
import type { MeterRuleState, RuleContext, Sample } from './rule-state';
import { silentProgress, silentReading, silentTimeoutMs } from './silent-meter-rule';
import { newThresholdState, thresholdProgress, thresholdSample } from './threshold-rule';
import { holdInEventOrder } from '../runtime/event-order-buffer';

/**
 * The per-meter rule engine: threshold (duration + hysteresis), rate of rise and silent meter
 * on readings; bill variation on bill totals; register anomalies on classified register
 * events. Readings wait until the watermark passes them and are then settled in event-time
 * order (the same results for any disorder within the allowed lateness); bill totals and
 * register events come from other processors already in order and are handled at once.
 * Group comparison (sector/fleet average) keys by group, not meter: see group-average-rule.ts.
 * State is mutated in place; every timestamp is event time.
 */
export type RuleInput = { type: 'reading'; reading: Reading } | BillInput | RegisterEventInput;
export type RuleApplyStatus = 'accepted' | 'duplicate' | 'late' | 'ignored';

export function applyRuleInput(state: MeterRuleState, input: RuleInput, config: AlertRulesConfig): { status: RuleApplyStatus; events: AlertEvent[] } {
  if (input.type !== 'reading' && input.sector !== null) state.sector = input.sector;
  const ctx: RuleContext = { meterId: state.meterId, sector: state.sector, events: [] };
  if (input.type === 'bill') {
    recordBill(state.bills, input);
    for (const rule of rules(state, config)) if (rule.kind === 'bill-variation') billVariation(state.bills, rule, input, ctx);
    return { status: 'accepted', events: ctx.events };
  }
  if (input.type === 'register-event') {
    for (const rule of rules(state, config)) if (rule.kind === 'register-anomaly') registerAnomaly(rule, input, ctx);
    return { status: 'accepted', events: ctx.events };
  }
  const r = input.reading;
  if (r.sector !== null) state.sector = r.sector;
  state.kind = r.kind;
  const sample: Sample = { ts: r.ts, value: r.value };
  const status = holdInEventOrder(state, sample);
  // Bounded state: with more samples awaiting the watermark than `maxPendingSamples` (a meter
  // flooding readings ahead of its own progress), the oldest are settled early, as leak
  // detection does.
  const excess = state.pending.length - maxPendingSamples;
  return { status, events: excess > 0 ? advanceRuleWatermark(state, state.pending[excess - 1]!.ts, config) : [] };
}

/** Samples one meter may hold awaiting the watermark (2 min of lateness at one reading a second is 120). */
export const maxPendingSamples = 2000;

/** Settles readings at or before the watermark, in event-time order, and what has held long enough by then. */
export function advanceRuleWatermark(state: MeterRuleState, watermarkMs: number, config: AlertRulesConfig): AlertEvent[] {
  const ctx: RuleContext = { meterId: state.meterId, sector: state.sector, events: [], ...(state.registeredIntervalMs !== undefined ? { registeredIntervalMs: state.registeredIntervalMs } : {}) };
  const active = rules(state, config);
  while (state.pending.length > 0 && state.pending[0]!.ts <= watermarkMs) {
    const s = state.pending.shift()!;
    for (const rule of active) {
      if (rule.kind === 'silent-meter') {
        if (state.last) silentReading((state.silent[rule.id] ??= { open: null }), rule, state.last.ts, s.ts, ctx);
      } else if (rule.kind === 'threshold') thresholdSample((state.threshold[rule.id] ??= newThresholdState()), rule, s, ctx);
      else if (rule.kind === 'rate-of-rise') riseSample((state.rise[rule.id] ??= newRiseState()), rule, s, ctx);
    }
    state.last = s;
    state.frontier = s.ts;
  }
  if (state.last && state.frontier !== null && watermarkMs > state.frontier) {
    for (const rule of active) {
      if (rule.kind === 'silent-meter') silentProgress((state.silent[rule.id] ??= { open: null }), rule, state.last.ts, watermarkMs, ctx);
      else if (rule.kind === 'threshold') thresholdProgress((state.threshold[rule.id] ??= newThresholdState()), rule, watermarkMs, ctx);
    }
    state.frontier = watermarkMs;
  }
  return ctx.events;
}

/** The event time at which `advanceRuleWatermark` next has work: a pending reading or a timer. */
export function nextRuleDue(state: MeterRuleState, config: AlertRulesConfig): number | null {
  let due = state.pending[0]?.ts ?? Infinity;
  if (state.last) {
    for (const rule of rules(state, config)) {
      if (rule.kind === 'silent-meter' && !state.silent[rule.id]?.open) due = Math.min(due, state.last.ts + silentTimeoutMs(rule, state.silent[rule.id], state.registeredIntervalMs) + 1);
      if (rule.kind === 'threshold') {
        const t = state.threshold[rule.id];
        if (t?.pendingSince != null) due = Math.min(due, t.pendingSince + rule.forMinutes * 60_000);
        if (t?.open && t.clearSince !== null) due = Math.min(due, t.clearSince + rule.clearForMinutes * 60_000);
      }
    }
  }
  return due === Infinity ? null : due;
}

function rules(state: MeterRuleState, config: AlertRulesConfig): AlertRule[] {
  return rulesFor(config, state.meterId, state.sector, state.kind);
}
