import type { MeterKind, Reading } from '../../core/contracts';
import type { AlertRulesConfig } from '../alert-rules/rule-config';
import { applyRuleInput } from '../alert-rules/rule-engine';
import { createRuleState, type MeterRuleState } from '../alert-rules/rule-state';
import type { KeyedProcessor, ProcessorContext } from '../runtime/keyed-processor';
import { alertId, type AlertEvidence } from '../../core/streams/alerts';
import { outputRowProblem } from '../runtime/output-row-check';
import type { Invoice } from './invoice';
import { billingPeriodAt } from './billing-period';
import type { BillingEngine, MeterBillingState } from './billing-state';
import { invoiceToRows } from '../../core/streams/invoices';
import { invoiceLineRows, invoiceRow } from './invoice-rows';
import { registerPointAt } from './register-consumption';
import type { RegistryProfile } from './registry-profiles';
import { unitFactor } from '../../core/units/units';

/** The rule id of billing's refusals (implausible register, rewrite of a final period, invoice out of range). */
export const refusedRule = 'billing-refused';

interface MeterBilling {
  billing: MeterBillingState;
  /** Event time at which the next provisional bill is due; null when nothing changed since the last. */
  provisionalDue: number | null;
  /** A reading landed in a closed period: the next advance emits its adjustment. */
  adjustmentDue: boolean;
  /** [open period start, its final bill's due time]: recomputed only when the open period moves (Intl is slow). */
  finalDue: [number, number] | null;
  /** The bill-variation rule's memory (previous finals, open alert). */
  rules: MeterRuleState;
  /** Latest receive time of the meter's billed readings (absent in checkpoints of earlier releases). */
  receivedUpTo?: number;
  /** The registry record version (its change time) applied to the profile; absent = none yet. */
  registryVersion?: number;
  /** The tariff catalog revision its closed periods were priced with; absent = the configured tariffs only. */
  tariffRevision?: number;
}

export interface BillingProcessorOptions {
  engine: BillingEngine;
  /** Meter kinds billed (a meter's tariff must price its register unit). */
  kinds: readonly MeterKind[];
  /** Time zone of meters whose registry record names none (MF_BILLING_TIME_ZONE). */
  timeZone: string;
  /**
   * Per-meter billing profiles from the registry (registry-tariff-sync keeps the map current);
   * each new version is applied to the meter's state at its next reading or bill.
   */
  profiles?: ReadonlyMap<string, RegistryProfile>;
  /** How often, in event time, the open period's provisional bill is rewritten. */
  provisionalIntervalMs: number;
  /** Its bill-variation rules raise alerts from the bills (projected and final). */
  rules: AlertRulesConfig;
}



/**
 * Billing per meter on event time: readings feed the meter's register history; when the
 * watermark passes a period's end plus grace the final invoice is emitted; a reading that
 * lands in a closed period produces an adjustment invoice, never a change to the final one;
 * the open period's provisional bill is rewritten every provisionalIntervalMs of event time.
 * Classified register decreases feed the register-anomaly rule (unexplained decreases by
 * default). The bill-variation rule (≥ 30 % over the previous final by default, Opower) gets the
 * open period's projected bill with each provisional bill (its consumption so far scaled to the
 * whole period and priced: a flat first tier or fixed charge is not scaled) and the final bill at
 * its end; its alerts go to the alerts table like the alerts processor's.
 */
export function createBillingProcessor(options: BillingProcessorOptions): KeyedProcessor<MeterBilling> {
  const { engine } = options;
  const billVariation = (state: MeterBilling, bill: Invoice, amount: number, final: boolean, ctx: ProcessorContext) => {
    const projection = final || !bill.projection ? undefined : { soFarAmount: bill.totalCents / 100, coverage: bill.projection.coverage, consumption: bill.projection.consumption, unit: bill.consumptionUnit, currency: bill.currency };
    const input = { type: 'bill' as const, meterId: bill.meterId, sector: bill.sector, periodStart: bill.periodStart, periodEnd: bill.periodEnd, amount, final, at: ctx.watermark, ...(projection ? { projection } : {}) };
    for (const event of applyRuleInput(state.rules, input, options.rules).events) ctx.emit({ stream: 'alerts', alert: event });
  };
  /**
   * The register decreases billing classified become register-anomaly alerts. Emitted with each
   * provisional and final bill; the alert id is (meter, rule, instant), so a repeat is the same row.
   */
  const registerAnomalies = (state: MeterBilling, bill: Invoice, ctx: ProcessorContext) => {
    for (const d of bill.decreases) {
      const anomaly = d.kind === 'unexplained' ? ('decrease' as const) : d.kind;
      const input = { type: 'register-event' as const, meterId: bill.meterId, sector: bill.sector, ts: d.ts, anomaly, from: d.from, to: d.to };
      for (const event of applyRuleInput(state.rules, input, options.rules).events) ctx.emit({ stream: 'alerts', alert: event });
    }
  };
  /**
   * Billing refused an input or an invoice: an alert an operator must look at (rule
   * `billing-refused`, kind register-anomaly, critical), independent of the rule config — a
   * refusal is never silent. The id is (meter, rule, instant), so a replay repeats the same row.
   */
  const refuse = (state: MeterBilling, ts: number, at: number, evidence: AlertEvidence, ctx: ProcessorContext) => {
    const meterId = state.billing.profile.meterId;
    ctx.emit({
      stream: 'alerts',
      alert: {
        alertId: alertId(meterId, refusedRule, ts),
        meterId,
        sector: state.billing.profile.sector,
        rule: refusedRule,
        ruleKind: 'register-anomaly',
        severity: 'critical',
        state: 'open',
        startedAt: ts,
        evidence,
        at,
      },
    });
  };
  /** Writes an invoice's rows, or, when one of its numbers is out of range or implausible, flags it instead. */
  const emitInvoice = (state: MeterBilling, invoice: Invoice, ctx: ProcessorContext) => {
    const head = invoiceRow(invoice);
    const lines = invoiceLineRows(invoice);
    const rows = invoiceToRows(head, lines);
    const amounts = [invoice.totalCents, ...invoice.lines.map((l) => l.amountCents)];
    const problem = amounts.some((c) => !Number.isSafeInteger(c) || Math.abs(c) > engine.options.maxInvoiceCents)
      ? `amount beyond ±${engine.options.maxInvoiceCents} cents`
      : rows.map(outputRowProblem).find((p) => p !== null) ?? null;
    if (problem === null) {
      ctx.emit({ stream: 'invoices', invoice: head, lines });
      return true;
    }
    refuse(state, invoice.periodStart, Math.max(invoice.issuedAt, invoice.periodStart), { reason: 'invoice-out-of-range', invoiceId: invoice.invoiceId, status: invoice.status, problem, consumption: Number.isFinite(invoice.consumption) ? invoice.consumption : null, totalCents: Number.isFinite(invoice.totalCents) ? invoice.totalCents : null }, ctx);
    return false;
  };
  /**
   * Applies a new registry version to the meter's profile. A refusal (zone or cycle day of a
   * meter already billed) is a billing-refused alert: an admin's change is never dropped silently.
   */
  const followRegistry = (state: MeterBilling, at: number, ctx: ProcessorContext) => {
    followTariffs(state, at);
    const entry = options.profiles?.get(state.billing.profile.meterId);
    if (!entry || entry.version === state.registryVersion) return;
    state.registryVersion = entry.version;
    const { changed, refused } = engine.updateProfile(state.billing, {
      zone: entry.zone ?? options.timeZone,
      cycleDay: entry.cycleDay ?? 1,
      registerModulus: entry.registerModulus,
      registerMultiplier: entry.registerMultiplier ?? 1,
      maxFlowPerHour: entry.maxFlowPerHour ?? undefined,
      serviceStart: entry.serviceStart,
      serviceEnd: entry.serviceEnd,
      customerId: entry.customerId,
      ownerChanges: entry.ownerChanges,
    });
    for (const r of refused) refuse(state, entry.version, Math.max(at, entry.version), { reason: 'registry-change-refused', field: r.field, detail: r.reason }, ctx);
    let declared = false;
    for (const rep of entry.replacements) {
      const factor = unitFactor(rep.unit || state.billing.register.unit, state.billing.register.unit);
      const outcome =
        factor === null
          ? 'unit-mismatch'
          : engine.declareReplacement(state.billing, { meterId: rep.meterId, ts: rep.at, oldFinalRegister: rep.oldFinalRegister === null ? null : rep.oldFinalRegister * factor, newInitialRegister: rep.newInitialRegister * factor, ...(rep.newRegisterMultiplier == null ? {} : { newRegisterMultiplier: rep.newRegisterMultiplier }) });
      if (outcome === 'added' || outcome === 'superseded') declared = true;
      else if (outcome !== 'duplicate') refuse(state, rep.at, Math.max(at, rep.at), { reason: 'replacement-refused', outcome, unit: rep.unit }, ctx);
    }
    if (changed || declared) {
      state.finalDue = null;
      if (state.billing.closed.length > 0) state.adjustmentDue = true;
      state.provisionalDue ??= at;
    }
  };
  /**
   * A new tariff catalog (a version published through the API) may reprice days already in final
   * bills: their retained periods are recomputed at the next advance, a difference billed as an
   * adjustment; the open period's bill is rewritten.
   */
  const followTariffs = (state: MeterBilling, at: number) => {
    const revision = engine.tariffCatalog().revision;
    if (revision === (state.tariffRevision ?? 0)) return;
    state.tariffRevision = revision;
    if (engine.repriceClosed(state.billing)) state.adjustmentDue = true;
    state.provisionalDue ??= at;
  };
  const finalDue = (state: MeterBilling): number | null => {
    const s = state.billing;
    if (s.openPeriodStart === null) return null;
    if (state.finalDue?.[0] !== s.openPeriodStart) {
      state.finalDue = [s.openPeriodStart, billingPeriodAt(s.openPeriodStart, { zone: s.profile.zone, cycleDay: s.profile.cycleDay }).end + engine.options.graceMs];
    }
    return state.finalDue[1];
  };
  const finalDueBeforeArrival = (state: MeterBilling): boolean => {
    const due = finalDue(state);
    // Past its final bill's due time (end + grace) on the receive clock: live meters never are
    // while the period is open (receive time ≈ event time), so a late-month provisional bill
    // during the grace days is still written.
    return due !== null && state.receivedUpTo !== undefined && due <= state.receivedUpTo;
  };
  return {
    name: 'billing',
    keysOf: (r: Reading) => (r.register !== null && options.kinds.includes(r.kind) ? [r.meterId] : []),
    init: (meterId, r) => ({
      billing: engine.createMeterState({ meterId, zone: options.profiles?.get(meterId)?.zone ?? options.timeZone, registerUnit: r.registerUnit, sector: r.sector }),
      provisionalDue: null,
      adjustmentDue: false,
      finalDue: null,
      rules: createRuleState(meterId, r.sector),
      // Born under the current catalog: nothing of it to reprice.
      tariffRevision: engine.tariffCatalog().revision,
    }),
    apply(_key, state, reading, ctx) {
      followRegistry(state, reading.ts, ctx);
      const closedBefore = state.billing.openPeriodStart;
      const held = registerPointAt(state.billing.register, reading.ts)?.value ?? null;
      const outcome = engine.applyReading(state.billing, reading);
      if (outcome === 'too-late') ctx.late(reading, 'billing: older than the retained closed periods');
      if (outcome === 'implausible') {
        const detail = `billing: register ${reading.register} ${reading.registerUnit} is outside [0, ${engine.options.maxRegister}] (not finite, negative or implausible): not billed`;
        ctx.late(reading, detail);
        refuse(state, reading.ts, reading.ts, { reason: 'implausible-register', register: Number.isFinite(reading.register) ? reading.register : String(reading.register), unit: reading.registerUnit, max: engine.options.maxRegister }, ctx);
      }
      if (outcome === 'rewrite-refused') {
        const period = engine.closedPeriodAt(state.billing, reading.ts - 1)!;
        ctx.late(reading, `billing: rewrites ${new Date(reading.ts).toISOString()} of final period ${period.label} (${held} ${state.billing.register.unit} → ${reading.register} ${reading.registerUnit}): refused, invoice ${period.invoiceId} stands`);
        refuse(state, reading.ts, reading.ts, { reason: 'rewrite-of-final-period', invoiceId: period.invoiceId, from: held, fromUnit: state.billing.register.unit, to: reading.register, unit: reading.registerUnit }, ctx);
      }
      if (outcome !== 'added' && outcome !== 'superseded') return;
      if (closedBefore !== null && state.billing.closed.length > 0 && reading.ts < closedBefore) state.adjustmentDue = true;
      state.receivedUpTo = Math.max(state.receivedUpTo ?? -Infinity, reading.receivedAt);
      state.provisionalDue ??= Math.floor(reading.ts / options.provisionalIntervalMs) * options.provisionalIntervalMs + options.provisionalIntervalMs;
    },
    advance(_key, state, ctx) {
      followRegistry(state, ctx.watermark, ctx);
      for (const invoice of engine.advanceWatermark(state.billing, ctx.watermark)) {
        if (!emitInvoice(state, invoice, ctx)) continue;
        if (invoice.status === 'final') {
          billVariation(state, invoice, invoice.totalCents / 100, true, ctx);
          registerAnomalies(state, invoice, ctx);
        }
      }
      state.adjustmentDue = false;
      if (state.provisionalDue !== null && ctx.watermark >= state.provisionalDue) {
        // A period whose final bill was already due (end + grace) when the meter's readings of it
        // arrived (history: an import, a replay, a meter back from a long outage) gets that final
        // bill once the watermark passes; a provisional bill of it, every hour of event time, would
        // be stale as it is written, and re-analysing the register for it cost most of billing's
        // time on history.
        if (!finalDueBeforeArrival(state)) {
          const bill = engine.provisionalBill(state.billing, ctx.watermark);
          if (bill && emitInvoice(state, bill, ctx)) {
            registerAnomalies(state, bill, ctx);
            // The running period's projected bill against the previous period's final one.
            if (bill.projection) billVariation(state, bill, bill.projection.totalCents / 100, false, ctx);
          }
        }
        state.provisionalDue = null;
      }
    },
    nextDue(state) {
      const due = [state.adjustmentDue ? (state.billing.watermark ?? -Infinity) : null, finalDue(state), state.provisionalDue].filter((d): d is number => d !== null);
      return due.length > 0 ? Math.min(...due) : null;
    },
  };
}
