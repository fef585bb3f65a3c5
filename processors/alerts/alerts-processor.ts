import type { Reading } from '../../core/contracts';
import type { AlertEvent } from '../../core/streams/alerts';
import type { AlertRulesConfig } from '../alert-rules/rule-config';
import { advanceRuleWatermark, applyRuleInput, nextRuleDue } from '../alert-rules/rule-engine';
import { createRuleState, type MeterRuleState } from '../alert-rules/rule-state';
import type { LeakConfig } from '../leak-detection/leak-config';
import { advanceWatermark as advanceLeak, applyReading as applyLeakReading, nextDue as nextLeakDue } from '../leak-detection/leak-detector';
import { createLeakState, type LeakState } from '../leak-detection/leak-state';
import type { KeyedProcessor, ProcessorContext } from '../runtime/keyed-processor';

interface MeterAlertState {
  /** Water meters only. */
  leak: LeakState | null;
  rules: MeterRuleState;
}

/**
 * Leak detection (continuous flow, night flow, burst) and the reading-driven alert rules
 * (thresholds with duration and hysteresis, rate of rise, silent meters, register anomalies),
 * per meter, on event time. Every open/close transition becomes a row of the alerts table
 * (and a record on the alerts topic) with a deterministic alert id, so a replay rewrites the
 * same rows.
 */
export function createAlertsProcessor(options: {
  leak: LeakConfig;
  rules: AlertRulesConfig;
  /** Per-meter registry records (billing's registry sync keeps them current): a meter's zone places its night windows. */
  registry?: ReadonlyMap<string, { zone: string | null; reportingIntervalS?: number | null }>;
}): KeyedProcessor<MeterAlertState> {
  const emit = (events: AlertEvent[], ctx: ProcessorContext) => {
    for (const event of events) ctx.emit({ stream: 'alerts', alert: event });
  };
  const zoneOf = (leak: LeakState) => options.registry?.get(leak.meterId)?.zone ?? null;
  /** The registry's reporting interval, kept in the rule state the silent-meter rule reads. */
  const followRegistry = (rules: MeterRuleState) => {
    const seconds = options.registry?.get(rules.meterId)?.reportingIntervalS;
    if (seconds != null && seconds > 0) rules.registeredIntervalMs = seconds * 1000;
    // Per reading: delete only what is there (a delete reshapes the object).
    else if (rules.registeredIntervalMs !== undefined) delete rules.registeredIntervalMs;
  };
  return {
    name: 'alerts',
    keysOf: (r: Reading) => [r.meterId],
    init: (meterId, r) => ({ leak: r.kind === 'water' ? createLeakState(meterId, r.sector) : null, rules: createRuleState(meterId, r.sector) }),
    apply(_key, state, reading, ctx) {
      followRegistry(state.rules);
      if (state.leak) {
        const leak = applyLeakReading(state.leak, reading, options.leak, zoneOf(state.leak));
        if (leak.status === 'late') ctx.late(reading, 'leak detection: its hour was already evaluated');
        emit(leak.events, ctx);
      }
      emit(applyRuleInput(state.rules, { type: 'reading', reading }, options.rules).events, ctx);
    },
    advance(_key, state, ctx) {
      followRegistry(state.rules);
      if (state.leak) emit(advanceLeak(state.leak, ctx.watermark, options.leak, zoneOf(state.leak)), ctx);
      emit(advanceRuleWatermark(state.rules, ctx.watermark, options.rules), ctx);
    },
    nextDue(state) {
      const due = [state.leak ? nextLeakDue(state.leak, options.leak, zoneOf(state.leak)) : null, nextRuleDue(state.rules, options.rules)].filter((d): d is number => d !== null);
      return due.length > 0 ? Math.min(...due) : null;
    },
  };
}
