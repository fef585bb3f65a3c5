import { z } from 'zod';
import { meterKinds, type MeterKind } from '../../core/contracts/meter-kind';
import { alertSeverities } from '../../core/streams/alerts';
import { alertConfigError } from './config-error';

/**
 * The rule engine's declarative configuration: a list of rules (each with an id, a kind, its
 * parameters and whom it applies to) and per-sector / per-meter overrides of any rule's
 * parameters (`enabled: false` switches a rule off for them). Validated once by
 * `parseAlertRulesConfig`; errors name the field (`alerts.meters.m-7.silent-meter.multiple`).
 */
const appliesTo = z
  .object({
    kinds: z.array(z.enum(meterKinds)).optional(),
    sectors: z.array(z.string()).optional(),
    meters: z.array(z.string()).optional(),
  })
  .strict()
  .default({});

const base = {
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lower-case letters, digits and dashes'),
  enabled: z.boolean().default(true),
  severity: z.enum(alertSeverities).default('warning'),
  appliesTo,
};

export const thresholdRuleSchema = z
  .object({
    ...base,
    kind: z.literal('threshold'),
    /** 'above': alert while value > threshold (fridge too warm); 'below': while value < threshold. */
    direction: z.enum(['above', 'below']).default('above'),
    threshold: z.number().finite(),
    /** Hysteresis: an open alert clears only once the value is back at or beyond this (default: the threshold). */
    clearAt: z.number().finite().optional(),
    /** @default 0 — the condition must hold this long before the alert opens (rides out defrost cycles) */
    forMinutes: z.number().nonnegative().default(0),
    /** @default 0 — the clear condition must hold this long before the alert closes */
    clearForMinutes: z.number().nonnegative().default(0),
  })
  .strict();

export const rateOfRiseRuleSchema = z
  .object({
    ...base,
    kind: z.literal('rate-of-rise'),
    /** @default 2 — rise (value units, °C) within the window that opens the alert */
    rise: z.number().positive().default(2),
    /** @default 10 — the window, minutes */
    windowMinutes: z.number().positive().default(10),
    /** Closes when the rise over the window falls below this (default: half of `rise`). */
    clearBelowRise: z.number().nonnegative().optional(),
  })
  .strict();

export const silentMeterRuleSchema = z
  .object({
    ...base,
    kind: z.literal('silent-meter'),
    /** @default 60 — the meter's reporting interval, seconds: a floor; a meter that reports less often is judged by its own (learned) interval */
    reportingIntervalSeconds: z.number().positive().default(60),
    /** @default 10 — silent after this many intervals without a reading (10 × 60 s = ThingsBoard's 600 s) */
    multiple: z.number().positive().default(10),
  })
  .strict();

export const groupAverageRuleSchema = z
  .object({
    ...base,
    kind: z.literal('above-group-average'),
    /** @default 'fleet' — compare with the meter's sector or the whole fleet (default: the fleet, the one group every meter has) */
    scope: z.enum(['sector', 'fleet']).default('fleet'),
    /** @default 2 — alert when consumption > factor × group average over the same window */
    factor: z.number().gt(1).default(2),
    /** @default 3 — no comparison against a group smaller than this */
    minGroupSize: z.number().int().min(2).default(3),
  })
  .strict();

export const billVariationRuleSchema = z
  .object({
    ...base,
    kind: z.literal('bill-variation'),
    /** @default 0.3 — alert when the (projected) bill is ≥ 30 % above the previous period's [Opower] */
    minIncrease: z.number().positive().default(0.3),
  })
  .strict();

export const registerAnomalies = ['decrease', 'jump', 'wrap', 'replacement'] as const;
export type RegisterAnomaly = (typeof registerAnomalies)[number];

export const registerAnomalyRuleSchema = z
  .object({
    ...base,
    kind: z.literal('register-anomaly'),
    /** @default ['decrease', 'jump'] — which classified register events raise an alert (wraps and declared replacements are expected) */
    anomalies: z.array(z.enum(registerAnomalies)).min(1).default(['decrease', 'jump']),
  })
  .strict();

const ruleSchema = z.discriminatedUnion('kind', [
  thresholdRuleSchema,
  rateOfRiseRuleSchema,
  silentMeterRuleSchema,
  groupAverageRuleSchema,
  billVariationRuleSchema,
  registerAnomalyRuleSchema,
]);

export type AlertRule = z.infer<typeof ruleSchema>;
export type ThresholdRule = z.infer<typeof thresholdRuleSchema>;
export type RateOfRiseRule = z.infer<typeof rateOfRiseRuleSchema>;
export type SilentMeterRule = z.infer<typeof silentMeterRuleSchema>;
export type GroupAverageRule = z.infer<typeof groupAverageRuleSchema>;
export type BillVariationRule = z.infer<typeof billVariationRuleSchema>;
export type RegisterAnomalyRule = z.infer<typeof registerAnomalyRuleSchema>;

/** The built-in rules (fridge ≤ 4 °C, fast rise, silence, 2× the fleet average, bill +30 %, register anomalies), used when a config gives no `rules`. */
export const defaultAlertRules: unknown[] = [
  // Fridge ≤ 4 °C; 30 min delay rides out a defrost cycle; clears at 3.5 °C (hysteresis).
  { id: 'fridge-too-warm', kind: 'threshold', appliesTo: { kinds: ['temperature'] }, direction: 'above', threshold: 4, clearAt: 3.5, forMinutes: 30 },
  // A fast rise (door open) differs from a slow one (power cut): 2 °C within 10 min.
  { id: 'temperature-rising-fast', kind: 'rate-of-rise', appliesTo: { kinds: ['temperature'] }, rise: 2, windowMinutes: 10 },
  { id: 'silent-meter', kind: 'silent-meter', reportingIntervalSeconds: 60, multiple: 10 },
  { id: 'above-fleet-average', kind: 'above-group-average', scope: 'fleet', factor: 2, minGroupSize: 3 },
  { id: 'bill-variation', kind: 'bill-variation', minIncrease: 0.3 },
  { id: 'register-anomaly', kind: 'register-anomaly', anomalies: ['decrease', 'jump'] },
];

const overridesSchema = z.record(z.record(z.record(z.unknown())));

const configInput = z
  .object({
    rules: z.array(z.unknown()).default(defaultAlertRules),
    overrides: z.object({ sectors: overridesSchema.default({}), meters: overridesSchema.default({}) }).strict().default({}),
  })
  .strict();

export interface AlertRulesConfig {
  rules: AlertRule[];
  overrides: { sectors: Record<string, Record<string, Record<string, unknown>>>; meters: Record<string, Record<string, Record<string, unknown>>> };
}

function parseRule(raw: unknown, path: string): AlertRule {
  const r = ruleSchema.safeParse(raw);
  if (!r.success) throw alertConfigError(path, r.error);
  const rule = r.data;
  if (rule.kind === 'threshold' && rule.clearAt !== undefined) {
    const wrongSide = rule.direction === 'above' ? rule.clearAt > rule.threshold : rule.clearAt < rule.threshold;
    if (wrongSide) throw alertConfigError(path, new z.ZodError([{ code: 'custom', path: ['clearAt'], message: `must be on the safe side of threshold (${rule.direction === 'above' ? '≤' : '≥'} ${rule.threshold})` }]));
  }
  return Object.freeze(rule);
}

/** Validates once; throws MeterflowError ALERT_CONFIG_INVALID naming every bad field. */
export function parseAlertRulesConfig(input: unknown = {}): AlertRulesConfig {
  const parsed = configInput.safeParse(input);
  if (!parsed.success) throw alertConfigError('alerts', parsed.error);
  const rules = parsed.data.rules.map((raw, i) => parseRule(raw, `alerts.rules.${i}`));
  const ids = new Set<string>();
  for (const [i, rule] of rules.entries()) {
    if (ids.has(rule.id)) throw alertConfigError(`alerts.rules.${i}`, new z.ZodError([{ code: 'custom', path: ['id'], message: `duplicate rule id "${rule.id}"` }]));
    ids.add(rule.id);
  }
  const byId = new Map(rules.map((r) => [r.id, r]));
  for (const scope of ['sectors', 'meters'] as const) {
    for (const [who, perRule] of Object.entries(parsed.data.overrides[scope])) {
      for (const [ruleId, override] of Object.entries(perRule)) {
        const rule = byId.get(ruleId);
        const path = `alerts.overrides.${scope}.${who}.${ruleId}`;
        if (!rule) throw alertConfigError(path, new z.ZodError([{ code: 'custom', path: [], message: `no rule with id "${ruleId}"` }]));
        if ('id' in override || 'kind' in override) throw alertConfigError(path, new z.ZodError([{ code: 'custom', path: [], message: 'an override cannot change id or kind' }]));
        parseRule({ ...rule, ...override }, path);
      }
    }
  }
  return Object.freeze({ rules, overrides: parsed.data.overrides });
}

const resolvedCache = new WeakMap<AlertRulesConfig, Map<string, AlertRule[]>>();

/** The enabled rules for a meter, with its sector's then its own overrides applied. Memoised. */
export function rulesFor(config: AlertRulesConfig, meterId: string, sector: string | null, kind: MeterKind | null): AlertRule[] {
  let cache = resolvedCache.get(config);
  if (!cache) resolvedCache.set(config, (cache = new Map()));
  const key = `${meterId}\u0000${sector ?? ''}\u0000${kind ?? ''}`;
  let rules = cache.get(key);
  if (!rules) {
    rules = config.rules
      .map((rule) => {
        const s = sector === null ? undefined : config.overrides.sectors[sector]?.[rule.id];
        const m = config.overrides.meters[meterId]?.[rule.id];
        return s || m ? (Object.freeze({ ...rule, ...s, ...m }) as AlertRule) : rule;
      })
      .filter((rule) => rule.enabled && applies(rule, meterId, sector, kind));
    if (cache.size > 100_000) cache.clear();
    cache.set(key, rules);
  }
  return rules;
}

function applies(rule: AlertRule, meterId: string, sector: string | null, kind: MeterKind | null): boolean {
  const a = rule.appliesTo;
  if (a.kinds && (kind === null || !a.kinds.includes(kind))) return false;
  if (a.sectors && (sector === null || !a.sectors.includes(sector))) return false;
  if (a.meters && !a.meters.includes(meterId)) return false;
  return true;
}
