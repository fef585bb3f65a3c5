import { createBillingEngine, type BillingEngine, type MeterBillingState } from '../../../../processors/billing/billing-state';
import type { Invoice } from '../../../../processors/billing/invoice';
import { addRegisterValue, addReplacement, analyseRegister, createRegisterState, pruneRegister, type RegisterOptions } from '../../../../processors/billing/register-consumption';
import { registryProfiles } from '../../../../processors/billing/registry-profiles';
import { fromLocal } from '../../../../core/time/local-time';
import { sabesp2017 } from '../../../fixtures/billing/sabesp-tariffs';

// A register multiplier (a current-transformer ratio, a pulse weight): consumption is the
// register's advance times the multiplier in force — the profile's for the first register, a
// replacement's from its instant on (docs/billing.md, "Register multiplier"). Hand-worked.
const hour = 3_600_000;
const day = 24 * hour;
const options = (fields: Partial<RegisterOptions>): RegisterOptions => ({ modulus: null, maxWrapFraction: 0.5, maxFlowPerHour: null, ...fields });
const total = (o: RegisterOptions, state: ReturnType<typeof createRegisterState>) => analyseRegister(state, o).segments.reduce((sum, s) => sum + s.quantity, 0);

describe('register analysis with a multiplier', () => {
  it('scales each register by its own multiplier across a replacement', () => {
    const state = createRegisterState('kWh');
    addRegisterValue(state, 0, 100, 0);
    addRegisterValue(state, 10 * hour, 102.5, 0);
    // CT changed with the meter: 200:5 (40) before, 400:5 (80) after.
    addReplacement(state, { ts: 20 * hour, oldFinal: 103, newInitial: 0, newMultiplier: 80 });
    addRegisterValue(state, 30 * hour, 1.25, 0);
    const { segments } = analyseRegister(state, options({ multiplier: 40 }));
    // 2.5 × 40 = 100; the old register's tail 0.5 × 40 = 20; the new one's 1.25 × 80 = 100.
    expect(segments.map((s) => [s.kind, s.quantity])).toEqual([
      ['increase', 100],
      ['replacement', 20],
      ['increase', 100],
    ]);
  });

  it('a replacement without a multiplier keeps the one in force; a wrap is scaled too', () => {
    const state = createRegisterState('L');
    addRegisterValue(state, 0, 990, 0);
    addRegisterValue(state, hour, 5, 0);
    addReplacement(state, { ts: 2 * hour, oldFinal: 7, newInitial: 0 });
    addRegisterValue(state, 3 * hour, 3, 0);
    // Forward across the 1000 modulus 15 × 10 = 150; tail 2 × 10 = 20; new register 3 × 10 = 30.
    expect(total(options({ modulus: 1000, multiplier: 10 }), state)).toBe(200);
  });

  it('the maximum flow bounds the scaled advance (the physical flow), not the dial', () => {
    const state = createRegisterState('kWh');
    addRegisterValue(state, 0, 0, 0);
    addRegisterValue(state, hour, 2, 0); // 2 × 40 = 80 kWh in an hour: within 100 kWh/h
    addRegisterValue(state, 2 * hour, 5, 0); // 3 × 40 = 120 kWh in an hour: a jump, held
    const analysis = analyseRegister(state, options({ multiplier: 40, maxFlowPerHour: 100 }));
    expect(analysis.segments.map((s) => s.quantity)).toEqual([80]);
    expect(analysis.decreases.map((d) => [d.kind, d.from, d.to])).toEqual([['jump', 2, 5]]);
  });

  it('pruning the replacement that set a multiplier keeps that multiplier for what follows', () => {
    const state = createRegisterState('L');
    addRegisterValue(state, 0, 0, 0);
    addReplacement(state, { ts: hour, oldFinal: 10, newInitial: 0, newMultiplier: 5 });
    addRegisterValue(state, 2 * hour, 2, 0);
    addRegisterValue(state, 3 * hour, 4, 0);
    const o = options({ multiplier: 1 });
    pruneRegister(state, o, 2 * hour + 1);
    expect(state.replacements).toEqual([]);
    // What is left: 2 → 4 on the 5-litre register: 10 L (2 with the profile's multiplier).
    expect(total(o, state)).toBe(10);
  });
});

// SABESP 2017 residential, São Paulo, June 2017 (30 days: blocks 10 / 20 / 50 m³ unscaled):
// 0-10 m³ flat R$24.15, 10-20 R$3.78/m³, 20-50 R$9.44/m³.
const SP = 'America/Sao_Paulo';
const sp = (m: number, d: number) => fromLocal(SP, 2017, m, d, 0);
const engineOf = (): BillingEngine => createBillingEngine({ tariffs: [sabesp2017], assignment: { default: 'sabesp-res-2017' }, graceMs: 3 * day });
const apply = (engine: BillingEngine, state: MeterBillingState, ts: number, pulses: number) =>
  engine.applyReading(state, { meterId: 'p-1', ts, register: pulses, registerUnit: 'L', receivedAt: ts });
const summary = (invoices: Invoice[]) => invoices.map((i) => [i.invoiceId, i.status, i.consumption, i.totalCents]);
const profile = { zone: SP, cycleDay: 1, registerModulus: null, maxFlowPerHour: null, serviceStart: null, serviceEnd: null };

describe('billing a pulse meter by its multiplier', () => {
  it('a 10-L pulse register replaced by a 100-L one mid-June: one June bill of 24 m³', () => {
    const engine = engineOf();
    const state = engine.createMeterState({ meterId: 'p-1', zone: SP, registerUnit: 'L', registerMultiplier: 10, maxFlowPerHour: null });
    apply(engine, state, sp(6, 1), 1_000);
    apply(engine, state, sp(6, 16), 1_800); // 800 pulses × 10 L = 8,000 L
    // Old register closed at 2,000 (200 × 10 = 2,000 L); the new one counts 100-L pulses.
    expect(engine.declareReplacement(state, { meterId: 'p-1', ts: sp(6, 20), oldFinalRegister: 2_000, newInitialRegister: 0, newRegisterMultiplier: 100 })).toBe('added');
    apply(engine, state, sp(7, 1), 140); // 140 × 100 L = 14,000 L
    // 24 m³: 24.15 + 10 × 3.78 (37.80) + 4 × 9.44 (37.76) = R$99.71.
    expect(summary(engine.advanceWatermark(state, sp(7, 4)))).toEqual([['p-1/2017-06-01', 'final', 24_000, 9_971]]);
  });

  it('a multiplier set after the final bill re-bills the period as an adjustment', () => {
    const engine = engineOf();
    const state = engine.createMeterState({ meterId: 'p-1', zone: SP, registerUnit: 'L', maxFlowPerHour: null });
    apply(engine, state, sp(6, 1), 1_000);
    apply(engine, state, sp(7, 1), 2_500);
    // Billed as litres first: 1.5 m³, the flat R$24.15.
    expect(summary(engine.advanceWatermark(state, sp(7, 4)))).toEqual([['p-1/2017-06-01', 'final', 1_500, 2_415]]);
    expect(engine.updateProfile(state, { ...profile, registerMultiplier: 10 }).changed).toBe(true);
    // 15 m³: 24.15 + 5 × 3.78 = R$43.05, so +R$18.90 for 13.5 m³ more.
    expect(summary(engine.advanceWatermark(state, sp(7, 5)))).toEqual([['p-1/2017-06-01/adj-1', 'adjusted', 13_500, 1_890]]);
  });

  it('a replacement multiplier out of range is refused, and so is a registry row with one', () => {
    const engine = engineOf();
    const state = engine.createMeterState({ meterId: 'p-1', zone: SP, registerUnit: 'L' });
    expect(engine.declareReplacement(state, { meterId: 'p-1', ts: sp(6, 20), oldFinalRegister: 10, newRegisterMultiplier: 0 })).toBe('implausible');
    expect(engine.declareReplacement(state, { meterId: 'p-1', ts: sp(6, 20), oldFinalRegister: 10, newRegisterMultiplier: 2e6 })).toBe('implausible');
    const row = { ts: 1, meterId: 'p-1', timeZone: null, registerModulus: null, billingCycleDay: null, maxFlowPerHour: null, serviceStart: null, serviceEnd: null };
    const { profiles, refused } = registryProfiles([{ ...row, registerMultiplier: -3 }, { ...row, meterId: 'p-2', registerMultiplier: 40 }]);
    expect(refused.map((r) => [r.row.meterId, r.reason])).toEqual([['p-1', 'register_multiplier -3 is not in (0, 1000000]']]);
    expect(profiles.get('p-2')?.registerMultiplier).toBe(40);
  });
});
