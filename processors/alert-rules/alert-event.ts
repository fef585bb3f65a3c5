import { createHash } from 'node:crypto';

/**
 * The alert record shared by leak detection and the rule engine. Processors emit `open` and
 * `closed`; `acknowledged` is set by an admin through the API later, never by a processor.
 */
export const alertStates = ['open', 'acknowledged', 'closed'] as const;
export type AlertState = (typeof alertStates)[number];

export const alertSeverities = ['info', 'warning', 'critical'] as const;
export type AlertSeverity = (typeof alertSeverities)[number];

/** The rule families; `rule` on an event is the configured rule's id (several rules may share a kind). */
export const alertRuleKinds = [
  'continuous-flow',
  'night-flow',
  'burst',
  'threshold',
  'rate-of-rise',
  'silent-meter',
  'above-group-average',
  'bill-variation',
  'register-anomaly',
] as const;
export type AlertRuleKind = (typeof alertRuleKinds)[number];

/** The numbers behind an alert: flat, JSON-safe. */
export type AlertEvidence = Record<string, number | string | boolean | null>;

export interface AlertEvent {
  /** Deterministic: hash of (meterId, rule, startedAt), so a replay yields the same id. */
  alertId: string;
  meterId: string;
  sector: string | null;
  /** The rule's id, e.g. `continuous-flow` or a configured `fridge-too-warm`. */
  rule: string;
  ruleKind: AlertRuleKind;
  severity: AlertSeverity;
  state: AlertState;
  /** Event time (epoch ms) at which the condition began. */
  startedAt: number;
  /** Event time at which the condition ended; set on `closed`. */
  endedAt?: number;
  evidence: AlertEvidence;
  /** Water (or other volume) lost, litres, where the rule can estimate it. */
  estimatedLossL?: number;
  /** Event time of this emission (never wall-clock time): the instant the transition became certain. */
  at: number;
}

/** 32 hex characters of SHA-256 over meter, rule and start time. */
export function alertId(meterId: string, rule: string, startedAt: number): string {
  return createHash('sha256').update(`${meterId}\u0000${rule}\u0000${startedAt}`).digest('hex').slice(0, 32);
}

/** Rounds litres and flows for evidence: 3 decimals are plenty and keep replays byte-identical. */
export function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
