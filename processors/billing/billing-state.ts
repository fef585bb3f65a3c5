/**
 * Per-meter billing state machine, as plain JSON (checkpointed by the runtime in QuestDB's
 * processor_state table) and functions over it, with no I/O and no wall clock: every instant comes from the
 * records (event time) or from the watermark the runtime passes in.
 *
 *   reading / replacement ──► applyReading / declareReplacement (state updated in place)
 *   provisionalBill(state, now)    → the open period's bill so far (status provisional)
 *   advanceWatermark(state, wm)    → for every period with end + grace ≤ wm: one final
 *                                    invoice; for every closed period whose consumption changed
 *                                    since (late reading, late replacement): one adjusted
 *                                    invoice with only the differences
 *
 * The functions update `state` in place (it is owned by one partition task, and copying a
 * month of readings per record would cost more than the billing itself); clone it
 * (structuredClone) when the old version is needed.
 */
import type { Reading } from '../../core/streams/readings';
import { billingPeriodAt, nextBillingPeriod, type BillingCycle, type BillingPeriod } from './billing-period';
import { invalidBilling } from '../../core/tariffs/billing-errors';
import { maxRegisterMultiplier, parseBillingOptions, parseMeterProfile, type BillingOptions, type BillingOptionsInput, type MeterProfile, type MeterProfileInput } from '../../core/tariffs/billing-options';
import { adjustmentLines, dueDate, totalCents, type BillProjection, type CarriedGap, type Invoice, type ReadStatus, type InvoiceLine, type InvoiceStatus } from './invoice';
import { addDays, localDate, startOfDate } from '../../core/time/local-days';
import { roundQuantity } from '../../core/units/money';
import { priceUsage } from './price-consumption';
import {
  addRegisterValue,
  addReplacement,
  analyseRegister,
  changeReach,
  createRegisterState,
  gapsWithin,
  pruneRegister,
  registerPointAt,
  compactRegister,
  pointsBetween,
  type AddOutcome,
  type ConsumptionSegment,
  type RegisterAnalysis,
  type RegisterOptions,
  type RegisterState,
} from './register-consumption';
import { tariffIdOn } from '../../core/tariffs/tariff-assignment';
import { buildTariffCatalog, latestVersion, priceListOn, pricedShares, type TariffCatalog } from '../../core/tariffs/tariff-catalog';
import { unitDimension, unitFactor } from '../../core/units/units';
import { scaleUsage, usageBetween, type UsageProfile } from './usage-profile';
import { usageByBand } from './band-usage';

/**
 * Compaction slot: 15 min, as every zone's hours start on a multiple of it; a divisor of it when
 * the gap threshold is shorter (a gap must not hide inside a slot).
 */
const compactSlotMs = (options: BillingOptions) => [15, 5, 3, 1].map((m) => m * 60_000).find((slot) => slot <= options.maxGapMs) ?? 60_000;
const compactEveryMs = 6 * 3_600_000;

/**
 * What billing remembers of a period after its final invoice: of the part one owner had, when
 * the owner changed inside it (start and end are then that part's).
 */
export interface ClosedPeriod {
  label: string;
  start: number;
  end: number;
  invoiceId: string;
  /** The customer billed; absent in states from before owners were billed = null. */
  customerId?: string | null;
  /** What has been billed so far: the final lines, as corrected by every adjustment. */
  billedLines: InvoiceLine[];
  billedConsumption: number;
  adjustments: number;
}

/**
 * Bound per meter: `closed` ≤ retainClosedPeriods (3) periods of billed lines; the register keeps
 * the open and retained periods, compacted to ≤ 2 points per 15-min slot of settled history
 * (compactRegister; plus the points around decreases and replacements) and pruned to one anchor
 * before the oldest retained period: ≤ 192 points a day whatever the reporting rate, and for a
 * meter reporting hourly or less its readings themselves.
 */
export interface MeterBillingState {
  version: 1;
  profile: MeterProfile;
  register: RegisterState;
  /** Start of the earliest period without a final invoice; null until there is data or a service start. */
  openPeriodStart: number | null;
  /** Oldest first, of at most retainClosedPeriods periods (one entry per owner's part). */
  closed: ClosedPeriod[];
  /** Highest watermark seen. */
  watermark: number | null;
}

/** The reading fields billing reads. */
export type BillingReading = Pick<Reading, 'meterId' | 'ts' | 'register' | 'registerUnit' | 'receivedAt' | 'source'> & { sector?: string | null };

export interface ReplacementInput {
  meterId: string;
  /** When the new register started, epoch ms. */
  ts: number;
  /** The old register's last value (register unit); null when unknown. */
  oldFinalRegister: number | null;
  /** @default 0 */
  newInitialRegister?: number;
  /** The new register's multiplier; absent = the one in force goes on. */
  newRegisterMultiplier?: number;
}

/**
 * - `implausible`: the register is negative, not finite or above `maxRegister`: not billed.
 * - `rewrite-refused`: a different value for an instant already held in a period whose final
 *   invoice is out; the final invoice stands (docs/billing.md, "Rewrites of a final period").
 */
export type ApplyOutcome = AddOutcome | 'no-register' | 'unit-mismatch' | 'other-meter' | 'implausible' | 'rewrite-refused';

export interface BillingEngine {
  readonly options: BillingOptions;
  /** A fresh state for one meter; throws BILLING_CONFIG_INVALID for a bad profile or a tariff whose unit does not fit. */
  createMeterState(profile: MeterProfileInput): MeterBillingState;
  applyReading(state: MeterBillingState, reading: BillingReading): ApplyOutcome;
  declareReplacement(state: MeterBillingState, replacement: ReplacementInput): ApplyOutcome;
  /** Invoices emitted by this advance: adjustments of closed periods first, then finals, oldest first. */
  advanceWatermark(state: MeterBillingState, watermarkMs: number): Invoice[];
  /** The bill of the earliest period without a final invoice, as it stands; null before any data. Does not change the state. */
  provisionalBill(state: MeterBillingState, nowMs: number): Invoice | null;
  /** The closed (finally invoiced) period holding `ts`, if it is still retained. */
  closedPeriodAt(state: MeterBillingState, ts: number): ClosedPeriod | null;
  /**
   * Applies the meter's registry record (docs/billing.md, "The meter's own registry entry"):
   * register modulus, maximum flow and service period at once, over the retained history (the
   * next advance bills what that changes in closed periods as adjustments); zone and cycle day
   * only while no period of the meter has a final bill (else refused: periods already billed
   * keep their boundaries). Returns what changed and what was refused, with why.
   */
  updateProfile(state: MeterBillingState, next: ProfileUpdate): { changed: boolean; refused: { field: string; reason: string }[] };
  /** The tariffs and versions bills are priced with (the configured ones until the API publishes). */
  tariffCatalog(): TariffCatalog;
  /** Prices every bill computed from now on with this catalog (registry sync, docs/billing.md "Tariffs at run time"). */
  useTariffCatalog(catalog: TariffCatalog): void;
  /**
   * A new catalog may price closed periods differently (a version effective in the past): the
   * next advance recomputes the meter's retained closed periods and bills any difference as an
   * adjustment. Returns whether the meter has closed periods to recompute.
   */
  repriceClosed(state: MeterBillingState): boolean;
}

/** A meter's billing profile as its registry record gives it. */
export interface ProfileUpdate {
  zone: string;
  cycleDay: number;
  registerModulus: number | null;
  /** Multiplier of the first register (a replacement may set another from its instant). */
  registerMultiplier: number;
  /** undefined = the engine's default for the register unit. */
  maxFlowPerHour: number | null | undefined;
  serviceStart: number | null;
  serviceEnd: number | null;
  /** The owner before the first change; undefined = unchanged. */
  customerId?: string | null;
  /** undefined = unchanged. */
  ownerChanges?: MeterProfile['ownerChanges'];
}

/**
 * What one invoice bills: a whole period, or the days of it one owner had when the owner
 * changed inside it (docs/billing.md, "Owners").
 */
interface BillPart {
  period: BillingPeriod;
  from: number;
  to: number;
  customerId: string | null;
}

export function createBillingEngine(input: BillingOptionsInput): BillingEngine {
  const options = parseBillingOptions(input);
  let catalog = buildTariffCatalog(options.tariffs, []);

  const cycleOf = (state: MeterBillingState): BillingCycle => ({ zone: state.profile.zone, cycleDay: state.profile.cycleDay });
  const registerOptions = (state: MeterBillingState): RegisterOptions => ({
    modulus: state.profile.registerModulus,
    maxWrapFraction: options.maxWrapFraction,
    maxFlowPerHour: maxFlowOf(state),
    // States saved before multipliers existed have none: 1.
    multiplier: state.profile.registerMultiplier ?? 1,
  });

  /** The meter's maximum flow in register units per hour: its profile's, else the engine's for its unit. */
  function maxFlowOf(state: MeterBillingState): number | null {
    if (state.profile.maxFlowPerHour !== undefined) return state.profile.maxFlowPerHour;
    const dimension = unitDimension(state.register.unit);
    if (dimension === null) return null;
    return options.maxFlow[dimension] / unitFactor(state.register.unit, dimension === 'volume' ? 'm3' : 'kWh')!;
  }

  /**
   * The gap rule (docs/billing.md, "Gaps"): consumption measured over a long gap (a segment
   * longer than carryGapMs, or one from before the retained history) that began in an earlier
   * period is billed in the period the gap ends in (the reading that ends it, or the period
   * before when that reading is exactly at a period start), spread over that period only, and
   * listed there as carried. When it was used is not known, and the periods
   * before had their final bills long ago (or, after an outage of months, were forgotten): this
   * way it lands on exactly one invoice, whatever the gap's length. Depends only on the two
   * readings' instants, so not on arrival order.
   */
  const attributionCache = new WeakMap<RegisterAnalysis, { segments: ConsumptionSegment[]; carried: { periodStart: number; gap: CarriedGap }[] }>();
  function attributeGaps(state: MeterBillingState, analysis: RegisterAnalysis) {
    const cached = attributionCache.get(analysis);
    if (cached) return cached;
    const segments: ConsumptionSegment[] = [];
    const carried: { periodStart: number; gap: CarriedGap }[] = [];
    for (const s of analysis.segments) {
      const floor = state.register.floorTs;
      if (s.to - s.from <= options.carryGapMs && (floor === null || s.from >= floor)) {
        segments.push(s);
        continue;
      }
      // The reading ends (from, to]: its last instant is to − 1 ms, so a read at exactly a period
      // start (a monthly read on the cycle day) closes the period before it.
      const periodStart = billingPeriodAt(s.to - 1, cycleOf(state)).start;
      if (periodStart <= s.from) {
        segments.push(s);
        continue;
      }
      segments.push({ ...s, from: periodStart });
      carried.push({ periodStart, gap: { from: s.from, to: s.to, quantity: roundQuantity(s.quantity) } });
    }
    const result = { segments, carried };
    attributionCache.set(analysis, result);
    return result;
  }

  /**
   * The tariffs a meter can reach must price its register unit: its own schedule's, its
   * sector's, and the default when it has neither (a mismatch found later, e.g. through a
   * sector learned from readings, is thrown when the bill is computed).
   */
  function checkTariffUnits(profile: MeterProfile): void {
    const own = options.assignment.meters[profile.meterId] ?? [];
    const sector = profile.sector === null ? [] : (options.assignment.sectors[profile.sector] ?? []);
    const ids = new Set([...own, ...sector].map((e) => e.tariffId));
    if (ids.size === 0) ids.add(options.assignment.default);
    for (const id of ids) {
      const entry = catalog.entries.get(id);
      if (!entry) throw invalidBilling(`assignment of meter ${profile.meterId}`, `unknown tariff "${id}"`);
      const tariff = latestVersion(entry).tariff;
      if (unitFactor(profile.registerUnit, tariff.unit) === null) {
        throw invalidBilling(`tariffs "${id}".unit`, `"${tariff.unit}" cannot be converted from meter ${profile.meterId}'s register unit "${profile.registerUnit}"`);
      }
    }
  }

  function createMeterState(input: MeterProfileInput): MeterBillingState {
    const profile = parseMeterProfile(input);
    checkTariffUnits(profile);
    const state: MeterBillingState = { version: 1, profile, register: createRegisterState(profile.registerUnit), openPeriodStart: null, closed: [], watermark: null };
    if (profile.serviceStart !== null) state.openPeriodStart = billingPeriodAt(profile.serviceStart, cycleOf(state)).start;
    return state;
  }

  function noteInstant(state: MeterBillingState, ts: number): void {
    // Only the first data (or earlier data before any period closed) moves the open period;
    // the common case returns before any calendar arithmetic.
    if (state.openPeriodStart !== null && (ts >= state.openPeriodStart || state.closed.length > 0 || state.profile.serviceStart !== null)) return;
    const start = billingPeriodAt(ts, cycleOf(state)).start;
    if (state.openPeriodStart === null) state.openPeriodStart = start;
    else if (state.closed.length === 0 && state.profile.serviceStart === null && start < state.openPeriodStart) state.openPeriodStart = start;
  }

  function applyReading(state: MeterBillingState, reading: BillingReading): ApplyOutcome {
    if (reading.meterId !== state.profile.meterId) return 'other-meter';
    if (reading.register === null) return 'no-register';
    const factor = unitFactor(reading.registerUnit || state.register.unit, state.register.unit);
    if (factor === null) return 'unit-mismatch';
    const value = reading.register * factor;
    if (!Number.isFinite(value) || value < 0 || value > options.maxRegister) return 'implausible';
    // A device's different value for a finally billed instant is refused; an admin's (a
    // correction through recordMeterRead) is taken, and billed as an adjustment.
    const held = registerPointAt(state.register, reading.ts);
    // The value at ts measures (previous, ts]: a read at exactly a period start belongs to the bill before.
    if (held && held.value !== value && reading.source === undefined && closedPeriodAt(state, reading.ts - 1)) return 'rewrite-refused';
    const outcome = addRegisterValue(state.register, reading.ts, value, reading.receivedAt, reading.source);
    if (outcome === 'added' || outcome === 'superseded') noteInstant(state, reading.ts);
    if (state.profile.sector === null && reading.sector) state.profile.sector = reading.sector;
    return outcome;
  }

  /** Whether an instant lies in a period whose final invoice was emitted. */
  function closedPeriodAt(state: MeterBillingState, ts: number): ClosedPeriod | null {
    return state.closed.find((c) => ts >= c.start && ts < c.end) ?? null;
  }

  function declareReplacement(state: MeterBillingState, r: ReplacementInput): ApplyOutcome {
    if (r.meterId !== state.profile.meterId) return 'other-meter';
    if (r.newRegisterMultiplier !== undefined && !(r.newRegisterMultiplier > 0 && r.newRegisterMultiplier <= maxRegisterMultiplier)) return 'implausible';
    const outcome = addReplacement(state.register, { ts: r.ts, oldFinal: r.oldFinalRegister, newInitial: r.newInitialRegister ?? 0, ...(r.newRegisterMultiplier === undefined ? {} : { newMultiplier: r.newRegisterMultiplier }) });
    if (outcome === 'added' || outcome === 'superseded') noteInstant(state, r.ts);
    return outcome;
  }

  /**
   * The period cut where the owner changes (at local midnight of the move-in date): one part per
   * owner, the whole period when it has one. A change to the owner already in place cuts nothing.
   * A part wholly outside the service period (before the move-in, after the move-out) has no
   * billable day: it is left out, as a period outside service is, rather than billed as an
   * invoice of 0 days.
   */
  function partsOf(state: MeterBillingState, period: BillingPeriod): BillPart[] {
    const { zone, customerId, ownerChanges } = state.profile;
    let owner = customerId;
    let from = period.start;
    const parts: BillPart[] = [];
    for (const change of ownerChanges) {
      const at = startOfDate(change.from, zone);
      if (at >= period.end) break;
      if (at > from && change.customerId !== owner) {
        parts.push({ period, from, to: at, customerId: owner });
        from = at;
      }
      owner = change.customerId;
    }
    parts.push({ period, from, to: period.end, customerId: owner });
    if (parts.length === 1) return parts;
    const { serviceStart, serviceEnd } = state.profile;
    const inService = parts.filter((p) => Math.max(p.from, serviceStart ?? -Infinity) < Math.min(p.to, serviceEnd ?? Infinity));
    return inService.length > 0 ? inService : parts;
  }

  /** Local days of the part in service. */
  function billableDates(state: MeterBillingState, part: BillPart): string[] {
    const { zone, serviceStart, serviceEnd } = state.profile;
    const from = Math.max(part.from, serviceStart ?? -Infinity);
    const to = Math.min(part.to, serviceEnd ?? Infinity);
    if (to <= from) return [];
    const dates: string[] = [];
    const last = localDate(to - 1, zone);
    for (let d = localDate(from, zone); d <= last; d = addDays(d, 1)) dates.push(d);
    return dates;
  }

  interface Bill {
    lines: InvoiceLine[];
    consumption: number;
    currency: string;
    billableDays: number;
  }

  /** What a part's bill is priced from: its billable dates, the tariff versions over them, its measured usage. */
  interface Measured {
    dates: string[];
    shares: ReturnType<typeof pricedShares>;
    usage: UsageProfile;
  }

  function measure(state: MeterBillingState, part: BillPart, analysis: RegisterAnalysis): Measured {
    const { profile } = state;
    const dates = billableDates(state, part);
    const shares = pricedShares(catalog, options.assignment, profile.meterId, profile.sector, dates);
    const hourly = shares.some((s) => s.tariff.tou !== undefined);
    return { dates, shares, usage: usageBetween(attributeGaps(state, analysis).segments, part.from, part.to, profile.zone, { hourly }) };
  }

  function computeBill(state: MeterBillingState, part: BillPart, analysis: RegisterAnalysis): Bill {
    return priceBill(state, part, analysis, measure(state, part, analysis), 1);
  }

  /** Prices a measured part; `scale` multiplies the measured consumption (a projection to the period's end), 1 = as measured. */
  function priceBill(state: MeterBillingState, part: BillPart, analysis: RegisterAnalysis, measured: Measured, scale: number): Bill {
    const { profile } = state;
    const { period } = part;
    const { dates, shares } = measured;
    const lines: InvoiceLine[] = [];
    let currency: string | null = null;
    for (const share of shares) {
      const { tariff } = share;
      const factor = unitFactor(state.register.unit, tariff.unit);
      if (factor === null) throw invalidBilling(`tariffs "${tariff.id}".unit`, `"${tariff.unit}" cannot be converted from "${state.register.unit}" (meter ${profile.meterId})`);
      if (currency !== null && tariff.currency !== currency) throw invalidBilling(`tariffs "${tariff.id}".currency`, `${tariff.currency} differs from ${currency} within one period of meter ${profile.meterId}`);
      currency = tariff.currency;
      const bandUsage = tariff.datedTou && usageByBand(analysis.segments, part.from, part.to, tariff.datedTou).map((q) => q * factor * scale);
      lines.push(...priceUsage({ tariff, usage: scaleUsage(measured.usage, factor * scale), bandUsage, days: share.days, billableDays: dates.length, periodDays: period.days }));
    }
    currency ??= priceListOn(catalog, tariffIdOn(options.assignment, profile.meterId, profile.sector, period.label), period.label)?.tariff.currency ?? latestVersion(catalog.entries.get(options.assignment.default)!).tariff.currency;
    return { lines, consumption: roundQuantity(measured.usage.total * scale), currency, billableDays: dates.length };
  }

  /** `<meterId>/<label>`, and for the part of a later owner `<meterId>/<label>/from-<move-in date>`. */
  function baseIdOf(state: MeterBillingState, part: BillPart): string {
    const base = `${state.profile.meterId}/${part.period.label}`;
    return part.from === part.period.start ? base : `${base}/from-${localDate(part.from, state.profile.zone)}`;
  }

  function invoice(
    state: MeterBillingState,
    part: BillPart,
    analysis: RegisterAnalysis,
    bill: Bill,
    fields: { status: InvoiceStatus; issuedAt: number; lines: InvoiceLine[]; consumption: number; revision: number; dueDate: string; horizon: number; projection?: BillProjection | null },
  ): Invoice {
    const { profile } = state;
    const { period } = part;
    const baseId = baseIdOf(state, part);
    return {
      invoiceId: fields.revision === 0 ? baseId : `${baseId}/adj-${fields.revision}`,
      meterId: profile.meterId,
      customerId: part.customerId,
      sector: profile.sector,
      status: fields.status,
      adjusts: fields.revision === 0 ? null : baseId,
      revision: fields.revision,
      zone: profile.zone,
      periodLabel: period.label,
      periodStart: period.start,
      periodEnd: period.end,
      periodDays: period.days,
      billableDays: bill.billableDays,
      issuedAt: fields.issuedAt,
      dueDate: fields.dueDate,
      currency: bill.currency,
      consumption: fields.consumption,
      consumptionUnit: state.register.unit,
      lines: fields.lines,
      totalCents: totalCents(fields.lines),
      decreases: analysis.decreases.filter((d) => d.ts >= part.from && d.ts < part.to),
      gaps: gapsWithin(state.register, part.from, fields.horizon, options.maxGapMs),
      readStatus: readStatusOf(state, part),
      // Listed on the part the gap ends in.
      carried: attributeGaps(state, analysis)
        .carried.filter((c) => c.periodStart === period.start && c.gap.to > part.from && c.gap.to <= part.to)
        .map((c) => c.gap),
      projection: fields.projection ?? null,
    };
  }

  /**
   * The part's bill projected to the end of its billable span: the readings cover
   * [first point, last point] of it; that stretch's consumption, scaled to the whole span
   * (the same hourly profile: a time-of-use split keeps its shares), is priced as a bill.
   * Fixed charges are already the whole span's. Null until the readings cover
   * projectionMinMs (or half a shorter span), or when the projected total is out of range.
   */
  function projectBill(state: MeterBillingState, part: BillPart, analysis: RegisterAnalysis, measured: Measured): BillProjection | null {
    const { serviceStart, serviceEnd } = state.profile;
    const spanFrom = Math.max(part.from, serviceStart ?? -Infinity);
    const spanTo = Math.min(part.to, serviceEnd ?? Infinity);
    const points = state.register.points;
    if (spanTo <= spanFrom || points.length === 0) return null;
    const knownFrom = Math.max(spanFrom, points[0]!.ts);
    const knownTo = Math.min(spanTo, points.at(-1)!.ts);
    const known = knownTo - knownFrom;
    if (known <= 0 || known < Math.min(options.projectionMinMs, (spanTo - spanFrom) / 2)) return null;
    const bill = priceBill(state, part, analysis, measured, (spanTo - spanFrom) / known);
    const cents = totalCents(bill.lines);
    if (!Number.isSafeInteger(cents) || Math.abs(cents) > options.maxInvoiceCents || !Number.isFinite(bill.consumption)) return null;
    return { totalCents: cents, consumption: bill.consumption, coverage: Math.round((known / (spanTo - spanFrom)) * 10_000) / 10_000 };
  }

  /**
   * Whether register values measure some of the period — a reading at ts ends the span
   * (previous, ts], so those in (start, end] do (a read at exactly the start closes the period
   * before) — and whether one of them is an estimate.
   */
  function readStatusOf(state: MeterBillingState, part: BillPart): ReadStatus {
    const measuring = pointsBetween(state.register, part.from + 1, part.to + 1);
    if (measuring.length === 0) return 'no-read';
    return measuring.some((p) => p.source === 'estimated') ? 'estimated' : 'read';
  }

  function closeDate(state: MeterBillingState, period: BillingPeriod): string {
    return localDate(period.end, state.profile.zone);
  }

  /**
   * A point the last walk found accepted, per register (not persisted). It stays accepted until
   * something at or before it changes (a point's class depends only on the points before it), so
   * while it lies after every closed period, no change after it can reach one: no walk needed.
   * Compaction keeps a later accepted point of any run it drops, pruning cuts before the first
   * closed period only, and profile changes mark everything changed.
   */
  const knownAccepted = new WeakMap<RegisterState, number>();

  /** How far back closed periods must be recomputed for a change from `from` on (a walk, only when one could be reached). */
  function reachOfChange(state: MeterBillingState, from: number): number {
    const known = knownAccepted.get(state.register);
    // A change at or before it may have reclassified it (at `from` itself is after it: changedFrom names the point before a change).
    if (known !== undefined && from < known) knownAccepted.delete(state.register);
    const earliest = state.closed[0];
    // No closed period, or all of them recomputed anyway: no walk needed.
    if (earliest === undefined || from <= earliest.start) return from;
    const stillKnown = knownAccepted.get(state.register);
    if (stillKnown !== undefined && stillKnown >= state.closed.at(-1)!.end) return from;
    const { reach, acceptedTs } = changeReach(state.register, registerOptions(state), from);
    if (acceptedTs !== null) knownAccepted.set(state.register, acceptedTs);
    return reach;
  }

  function advanceWatermark(state: MeterBillingState, watermarkMs: number): Invoice[] {
    const wm = Math.max(watermarkMs, state.watermark ?? -Infinity);
    state.watermark = wm;
    const emitted: Invoice[] = [];
    const cycle = cycleOf(state);
    let analysis: RegisterAnalysis | null = null;
    const analysed = () => (analysis ??= analyseRegister(state.register, registerOptions(state)));

    // 1. Closed periods whose consumption may have changed: bill the difference, never re-bill.
    const changedFrom = state.register.changedFrom === null ? null : reachOfChange(state, state.register.changedFrom);
    if (changedFrom !== null) {
      for (const closed of state.closed) {
        if (closed.end <= changedFrom) continue;
        // The part as it was billed: an owner change recorded since does not move it.
        const part: BillPart = { period: billingPeriodAt(closed.start, cycle), from: closed.start, to: closed.end, customerId: closed.customerId ?? null };
        const bill = computeBill(state, part, analysed());
        const lines = adjustmentLines(closed.billedLines, bill.lines);
        if (lines.length === 0) continue;
        closed.adjustments++;
        emitted.push(
          invoice(state, part, analysed(), bill, {
            status: 'adjusted',
            issuedAt: wm,
            lines,
            consumption: roundQuantity(bill.consumption - closed.billedConsumption),
            revision: closed.adjustments,
            dueDate: dueDate(localDate(wm, state.profile.zone), options.dueDays),
            horizon: part.to,
          }),
        );
        closed.billedLines = bill.lines;
        closed.billedConsumption = bill.consumption;
      }
      state.register.changedFrom = null;
    }

    // 2. Periods whose end + grace has passed: final invoices.
    while (state.openPeriodStart !== null) {
      const period = billingPeriodAt(state.openPeriodStart, cycle);
      if (period.end + options.graceMs > wm) break;
      if (state.profile.serviceEnd !== null && period.start >= state.profile.serviceEnd) break;
      for (const part of partsOf(state, period)) {
        const bill = computeBill(state, part, analysed());
        const final = invoice(state, part, analysed(), bill, {
          status: 'final',
          issuedAt: period.end + options.graceMs,
          lines: bill.lines,
          consumption: bill.consumption,
          revision: 0,
          dueDate: dueDate(closeDate(state, period), options.dueDays),
          horizon: part.to,
        });
        emitted.push(final);
        state.closed.push({ label: period.label, start: part.from, end: part.to, invoiceId: final.invoiceId, customerId: part.customerId, billedLines: bill.lines, billedConsumption: bill.consumption, adjustments: 0 });
      }
      state.openPeriodStart = nextBillingPeriod(period, cycle).start;
    }

    // 3. Bound the register history, so a meter's state does not grow with its age: settled
    // slots keep 2 points each. Run every few hours of event time, since it walks the retained
    // history once.
    const settledTo = Math.floor(wm / compactSlotMs(options)) * compactSlotMs(options);
    if (settledTo - (state.register.compactedBefore ?? -Infinity) >= compactEveryMs) {
      compactRegister(state.register, registerOptions(state), settledTo, compactSlotMs(options));
    }

    // 4. Forget what can no longer be adjusted (the parts of a period go together).
    const labels = [...new Set(state.closed.map((c) => c.label))];
    if (labels.length > options.retainClosedPeriods) {
      const kept = new Set(labels.slice(-options.retainClosedPeriods));
      state.closed = state.closed.filter((c) => kept.has(c.label));
      pruneRegister(state.register, registerOptions(state), state.closed[0]!.start);
    }
    return emitted;
  }

  function provisionalBill(state: MeterBillingState, nowMs: number): Invoice | null {
    if (state.openPeriodStart === null) return null;
    const period = billingPeriodAt(state.openPeriodStart, cycleOf(state));
    if (state.profile.serviceEnd !== null && period.start >= state.profile.serviceEnd) return null;
    const analysis = analyseRegister(state.register, registerOptions(state));
    // The part of the owner at `nowMs` (an earlier owner's part had its provisional bills then).
    const parts = partsOf(state, period);
    const part = parts.findLast((p) => p.from <= nowMs) ?? parts[0]!;
    // Measured once: the bill so far and its projection price the same usage.
    const measured = measure(state, part, analysis);
    const bill = priceBill(state, part, analysis, measured, 1);
    return invoice(state, part, analysis, bill, {
      status: 'provisional',
      issuedAt: nowMs,
      lines: bill.lines,
      consumption: bill.consumption,
      revision: 0,
      dueDate: dueDate(closeDate(state, period), options.dueDays),
      horizon: Math.min(part.to, Math.max(part.from, nowMs)),
      projection: projectBill(state, part, analysis, measured),
    });
  }

  function updateProfile(state: MeterBillingState, next: ProfileUpdate): { changed: boolean; refused: { field: string; reason: string }[] } {
    const p = state.profile;
    const refused: { field: string; reason: string }[] = [];
    const candidate: MeterProfile = {
      ...p,
      registerModulus: next.registerModulus,
      registerMultiplier: next.registerMultiplier,
      serviceStart: next.serviceStart,
      serviceEnd: next.serviceEnd,
      customerId: next.customerId === undefined ? p.customerId : next.customerId,
      ownerChanges: next.ownerChanges ?? p.ownerChanges,
    };
    if (next.maxFlowPerHour === undefined) delete candidate.maxFlowPerHour;
    else candidate.maxFlowPerHour = next.maxFlowPerHour;
    const calendarChanges = next.zone !== p.zone || next.cycleDay !== p.cycleDay;
    if (calendarChanges) {
      if (state.closed.length > 0) {
        refused.push({ field: next.zone !== p.zone ? 'timeZone' : 'billingCycleDay', reason: `meter ${p.meterId} has final bills in ${p.zone}, cycle day ${p.cycleDay}: its periods cannot move (asked: ${next.zone}, cycle day ${next.cycleDay})` });
      } else {
        candidate.zone = next.zone;
        candidate.cycleDay = next.cycleDay;
      }
    }
    let profile: MeterProfile;
    try {
      profile = parseMeterProfile(candidate);
    } catch (error) {
      refused.push({ field: 'profile', reason: (error as Error).message });
      return { changed: false, refused };
    }
    const same = (k: keyof MeterProfile) => profile[k] === p[k];
    const sameOwners = profile.customerId === p.customerId && JSON.stringify(profile.ownerChanges) === JSON.stringify(p.ownerChanges);
    if ((['zone', 'cycleDay', 'registerModulus', 'registerMultiplier', 'maxFlowPerHour', 'serviceStart', 'serviceEnd'] as const).every(same) && sameOwners) return { changed: false, refused };
    state.profile = profile;
    if (state.closed.length === 0) {
      // No period billed yet: the first period follows the new calendar and service start.
      const first = profile.serviceStart ?? state.register.points[0]?.ts ?? null;
      state.openPeriodStart = first === null ? null : billingPeriodAt(first, cycleOf(state)).start;
    }
    // Everything retained may bill differently now: the next advance recomputes the closed periods.
    const earliest = Math.min(state.closed[0]?.start ?? Infinity, state.register.points[0]?.ts ?? Infinity);
    if (Number.isFinite(earliest)) state.register.changedFrom = Math.min(state.register.changedFrom ?? Infinity, earliest);
    return { changed: true, refused };
  }

  function repriceClosed(state: MeterBillingState): boolean {
    const first = state.closed[0];
    if (!first) return false;
    state.register.changedFrom = Math.min(state.register.changedFrom ?? Infinity, first.start);
    return true;
  }

  return {
    options,
    createMeterState,
    applyReading,
    declareReplacement,
    advanceWatermark,
    provisionalBill,
    closedPeriodAt,
    updateProfile,
    repriceClosed,
    tariffCatalog: () => catalog,
    useTariffCatalog: (next) => {
      catalog = next;
    },
  };
}
