import { z } from 'zod';
import { checkTimeZone } from '../../core/time/local-time';
import { alertConfigError } from '../alert-rules/config-error';
import { alertSeverities } from '../../core/streams/alerts';

/**
 * Leak-detection settings (continuous flow, burst, minimum night flow), with per-sector and
 * per-meter overrides. Validated once by `parseLeakConfig`; a bad field is named by its path
 * (`meters.m-7.nightFlow.endHour`).
 */
const severity = z.enum(alertSeverities);
const hour = z.number().int().min(0).max(23);
const fraction = z.number().gt(0).max(1);

const continuousFlowShape = {
  enabled: z.boolean(),
  /** @default 24 — look-back window [Kamstrup MULTICAL 21: 24 h] */
  windowHours: z.number().int().min(2).max(72),
  /** @default 60 — an unbroken run of zero flow this long proves no leak and clears one [Kamstrup] */
  quietMinutes: z.number().int().min(1).max(240),
  /** @default 0.75 — share of each hour that must have known flow (no data gap) for the hour to count */
  minHourCoverage: fraction,
  severity,
};
const nightFlowShape = {
  enabled: z.boolean(),
  /** @default 2 — local hour the night window starts [LeakDB uses 02–04, Smartvatten 00–06; the default 02–05 covers LeakDB's window within Smartvatten's] */
  startHour: hour,
  /** @default 5 — local hour it ends (exclusive); may be ≤ startHour for a window across midnight */
  endHour: hour,
  /** @default 0.1 — L/min; the minimum flow over the window must exceed this */
  thresholdLpm: z.number().nonnegative(),
  /** @default 0.75 — share of the window that must have known flow */
  minCoverage: fraction,
  severity,
};
const burstShape = {
  enabled: z.boolean(),
  /** @default 2.5 — the meter's permanent flow Q3 in m³/h (a DN15 residential meter) */
  q3M3h: z.number().positive(),
  /** @default 0.1 — threshold as a share of Q3 [Kamstrup flowIQ: 5–20 %] */
  fractionOfQ3: fraction,
  /** L/min; when set, used instead of q3M3h × fractionOfQ3 */
  thresholdLpm: z.number().positive().optional(),
  /** @default 30 — flow must stay above the threshold this long [Kamstrup flowIQ] */
  minDurationMinutes: z.number().positive().max(24 * 60),
  severity,
};

const settingsShape = {
  /** @default 'UTC' — the meter's IANA time zone, for night windows */
  timeZone: z.string().refine(isTimeZone, (zone) => ({ message: `"${zone}" is not an IANA time zone` })),
  /** @default 0.01 — L/min; flow below this is zero */
  zeroFlowEpsilonLpm: z.number().nonnegative(),
  /** @default 900 — seconds; two readings further apart leave the time between them unknown */
  maxGapSeconds: z.number().int().positive(),
};

function isTimeZone(zone: string): boolean {
  try {
    checkTimeZone(zone);
    return true;
  } catch {
    return false;
  }
}

export const leakSettingsSchema = z
  .object({
    ...settingsShape,
    continuousFlow: z.object(continuousFlowShape).strict(),
    nightFlow: z.object(nightFlowShape).strict(),
    burst: z.object(burstShape).strict(),
  })
  .strict()
  .refine((s) => s.nightFlow.startHour !== s.nightFlow.endHour, { message: 'startHour and endHour must differ', path: ['nightFlow', 'endHour'] });

export type LeakSettings = z.infer<typeof leakSettingsSchema>;

const overrideSchema = z
  .object({
    ...settingsShape,
    continuousFlow: z.object(continuousFlowShape).strict().partial(),
    nightFlow: z.object(nightFlowShape).strict().partial(),
    burst: z.object(burstShape).strict().partial(),
  })
  .strict()
  .partial();

export type LeakSettingsOverride = z.infer<typeof overrideSchema>;

export const defaultLeakSettings: LeakSettings = Object.freeze({
  timeZone: 'UTC',
  zeroFlowEpsilonLpm: 0.01,
  maxGapSeconds: 900,
  continuousFlow: { enabled: true, windowHours: 24, quietMinutes: 60, minHourCoverage: 0.75, severity: 'warning' },
  nightFlow: { enabled: true, startHour: 2, endHour: 5, thresholdLpm: 0.1, minCoverage: 0.75, severity: 'warning' },
  burst: { enabled: true, q3M3h: 2.5, fractionOfQ3: 0.1, minDurationMinutes: 30, severity: 'critical' },
}) as LeakSettings;

const leakConfigInput = z
  .object({
    defaults: overrideSchema.default({}),
    sectors: z.record(overrideSchema).default({}),
    meters: z.record(overrideSchema).default({}),
    /** @default 2000 — readings held per meter awaiting the watermark; beyond it the oldest are settled early */
    maxPendingReadings: z.number().int().min(10).default(2000),
  })
  .strict();

export interface LeakConfig {
  defaults: LeakSettings;
  sectors: Record<string, LeakSettingsOverride>;
  meters: Record<string, LeakSettingsOverride>;
  maxPendingReadings: number;
}

function merge(base: LeakSettings, o: LeakSettingsOverride | undefined): LeakSettings {
  if (!o) return base;
  return {
    ...base,
    ...stripUndefined(o),
    continuousFlow: { ...base.continuousFlow, ...stripUndefined(o.continuousFlow ?? {}) },
    nightFlow: { ...base.nightFlow, ...stripUndefined(o.nightFlow ?? {}) },
    burst: { ...base.burst, ...stripUndefined(o.burst ?? {}) },
  } as LeakSettings;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && (typeof v !== 'object' || v === null))) as Partial<T>;
}

/** Validates once; throws MeterflowError ALERT_CONFIG_INVALID naming every bad field. */
export function parseLeakConfig(input: unknown = {}): LeakConfig {
  const parsed = leakConfigInput.safeParse(input);
  if (!parsed.success) throw alertConfigError('leak', parsed.error);
  const defaults = merge(defaultLeakSettings, parsed.data.defaults);
  const check = (path: string[], s: LeakSettings) => {
    const r = leakSettingsSchema.safeParse(s);
    if (!r.success) throw alertConfigError(['leak', ...path].join('.'), r.error);
  };
  check(['defaults'], defaults);
  for (const [id, o] of Object.entries(parsed.data.sectors)) check(['sectors', id], merge(defaults, o));
  for (const [id, o] of Object.entries(parsed.data.meters)) check(['meters', id], merge(defaults, o));
  return Object.freeze({ ...parsed.data, defaults });
}

const resolved = new WeakMap<LeakConfig, Map<string, LeakSettings>>();

/**
 * Defaults ← sector override ← the meter's registry zone (`registryZone`, GraphQL registerMeter /
 * updateMeter: night windows in the meter's own local time) ← meter override, memoised per config.
 */
export function resolveLeakSettings(config: LeakConfig, meterId: string, sector: string | null, registryZone: string | null = null): LeakSettings {
  let cache = resolved.get(config);
  if (!cache) resolved.set(config, (cache = new Map()));
  const key = `${meterId}\u0000${sector ?? ''}\u0000${registryZone ?? ''}`;
  let s = cache.get(key);
  if (!s) {
    const sectorLevel = merge(config.defaults, sector === null ? undefined : config.sectors[sector]);
    s = merge(registryZone === null ? sectorLevel : { ...sectorLevel, timeZone: registryZone }, config.meters[meterId]);
    if (cache.size > 100_000) cache.clear();
    cache.set(key, s);
  }
  return s;
}

/** L/min above which flow counts as a burst. */
export function burstThresholdLpm(s: LeakSettings): number {
  return s.burst.thresholdLpm ?? (s.burst.q3M3h * 1000 * s.burst.fractionOfQ3) / 60;
}
