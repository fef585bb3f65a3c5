/**
 * Savings recommendations (issue #14, seed 003): what a meter's own usage and tariff say the
 * customer could save per year, each with the computation shown. Pure: no I/O, no clock; the
 * resolver (graphql/schema/recommendations/) reads QuestDB and passes the numbers in.
 * docs/recommendations.md states every rule and assumption.
 */
import type { MeterKind } from '../../core/contracts';
import type { Tariff } from '../../core/tariffs/tariff';
import { formatCents, roundQuantity, toCents } from '../../core/units/money';

export const recommendationKinds = ['TOU_SHIFT', 'TIER_THRESHOLD', 'LEAK', 'STANDBY', 'PEER_COMPARISON'] as const;
export type RecommendationKind = (typeof recommendationKinds)[number];

/** The assumptions, each with its default (docs/recommendations.md). */
export interface RecommendationOptions {
  /** Share of the peak band's consumption assumed movable to the cheapest band. @default 0.2 */
  shiftableShare: number;
  /** Percentile of the hourly consumption read as the always-on floor. @default 10 */
  standbyPercentile: number;
  /** Share of the always-on floor assumed avoidable (appliances off instead of on standby). @default 0.5 */
  standbyReduction: number;
  /** Kinds the standby recommendation applies to (a water floor is a leak, below). @default ['electricity', 'gas'] */
  standbyKinds: readonly MeterKind[];
  /** Fewest meters (the meter included) a peer comparison needs. @default 5 */
  minPeers: number;
}

export const defaultRecommendationOptions: Readonly<RecommendationOptions> = Object.freeze({
  shiftableShare: 0.2,
  standbyPercentile: 10,
  standbyReduction: 0.5,
  standbyKinds: Object.freeze(['electricity', 'gas'] as MeterKind[]),
  minPeers: 5,
});

/** One recommendation, ready for the API. */
export interface Recommendation {
  kind: RecommendationKind;
  title: string;
  /** Money saved per year, integer minor units (cents), rounded half-up once. */
  savingPerYearCents: number;
  currency: string;
  /** The quantity the saving is about (kWh shifted, m³ lost, kWh of standby…) per year, 3 decimals. */
  quantityPerYear: number;
  unit: string;
  /** The computation, one step a line, with the numbers. */
  computation: string[];
  /** TOU_SHIFT: local hours (0-23) the peak band's consumption fell in, ascending. */
  peakHours?: number[];
  /** TOU_SHIFT: local hours the cheapest band was in force, ascending. */
  targetHours?: number[];
  /** TOU_SHIFT: the bands and their prices. */
  fromBand?: string;
  toBand?: string;
  fromPrice?: number;
  toPrice?: number;
  /** TOU_SHIFT: the share of the peak consumption assumed movable; STANDBY: the share avoidable. */
  share?: number;
  /** TIER_THRESHOLD: the months (local YYYY-MM) that crossed into a higher block. */
  months?: string[];
  /** PEER_COMPARISON: the share (%) of the other meters of the group that use less. */
  percentile?: number;
  /** PEER_COMPARISON: meters compared, this one included. */
  peers?: number;
  /** LEAK: the alerts the leak rate comes from. */
  alertIds?: string[];
}

/** What every rule reads: the meter's window of usage, priced with its tariff. */
export interface UsageWindow {
  meterId: string;
  kind: MeterKind;
  /** IANA zone of the meter's local hours and months. */
  zone: string;
  /** The span the usage covers, epoch ms [from, to). */
  from: number;
  to: number;
  /** Consumption per quarter hour from `from` (aligned on quarter hours), in the tariff's unit. */
  slots: readonly number[];
  /** Start of slot 0 (epoch ms, a multiple of 15 minutes). */
  slotsFrom: number;
  /** The tariff in force at the end of the window. */
  tariff: Tariff;
  /** Factor from the meter's register unit (what leak rates are in: L) to the tariff's unit. */
  registerToTariff: number;
}

export const slotMs = 15 * 60_000;
export const dayMs = 86_400_000;
export const hoursPerYear = 8760;

/** Days the window covers. */
export const windowDays = (w: Pick<UsageWindow, 'from' | 'to'>): number => (w.to - w.from) / dayMs;
/** × this turns a quantity or an amount of the window into one per year (365 days). */
export const annualFactor = (w: Pick<UsageWindow, 'from' | 'to'>): number => 365 / windowDays(w);

/** Numbers in computation lines: at most `decimals` places, no trailing zeros. */
export function fmt(x: number, decimals = 3): string {
  const f = 10 ** decimals;
  return String(Math.round(x * f) / f);
}

export function money(cents: number, currency: string): string {
  return `${formatCents(cents)} ${currency}`;
}

/** The recommendation's money and quantity fields from exact values, rounded once. */
export function amounts(savingPerYear: number, quantityPerYear: number): { savingPerYearCents: number; quantityPerYear: number } {
  return { savingPerYearCents: Math.max(0, toCents(savingPerYear)), quantityPerYear: roundQuantity(quantityPerYear) };
}
