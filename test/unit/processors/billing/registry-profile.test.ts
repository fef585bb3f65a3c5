import type { Reading } from '../../../../core/contracts';
import { defaultBillingConfig } from '../../../../core/tariffs/default-billing-config';
import { fromLocal } from '../../../../core/time/local-time';
import { parseAlertRulesConfig } from '../../../../processors/alert-rules/rule-config';
import { createBillingProcessor } from '../../../../processors/billing/billing-processor';
import { createBillingEngine, type BillingEngine, type MeterBillingState, type ProfileUpdate } from '../../../../processors/billing/billing-state';
import { registryProfiles, type RegistryProfile } from '../../../../processors/billing/registry-profiles';
import { createTestDriver } from '../../../../processors/runtime/test-driver';
import { sabesp2017 } from '../../../fixtures/billing/sabesp-tariffs';

// Billing by the meter's own registry entry (docs/billing.md, "The meter's own registry entry").
// SABESP 2017 in São Paulo (UTC−3 all of May to September 2017); amounts worked by hand.
const day = 86_400_000;
const SP = 'America/Sao_Paulo';
const sp = (m: number, d: number, h = 0) => fromLocal(SP, 2017, m, d, h);
const engineOf = (): BillingEngine => createBillingEngine({ tariffs: [sabesp2017], assignment: { default: 'sabesp-res-2017' }, graceMs: 3 * day });
const apply = (engine: BillingEngine, state: MeterBillingState, ts: number, litres: number) => engine.applyReading(state, { meterId: 'w-1', ts, register: litres, registerUnit: 'L', receivedAt: ts });
const base: ProfileUpdate = { zone: SP, cycleDay: 1, registerModulus: null, registerMultiplier: 1, maxFlowPerHour: undefined, serviceStart: null, serviceEnd: null };

describe('a meter\'s registry entry drives its billing', () => {
  it('a register modulus set after a final bill turns the unexplained decrease into a wrap, billed as an adjustment', () => {
    const engine = engineOf();
    const state = engine.createMeterState({ meterId: 'w-1', zone: SP, registerUnit: 'L' });
    // A 6-digit litre register: 990,000 → 999,000 → (rolls over) 19,000.
    for (const [ts, litres] of [[sp(6, 1), 990_000], [sp(6, 16), 999_000], [sp(7, 1), 19_000]] as const) apply(engine, state, ts, litres);
    const [final] = engine.advanceWatermark(state, sp(7, 4));
    // Without a modulus 19,000 is an unexplained decrease: June = 9 m³, the flat first block, R$24.15.
    expect(final).toMatchObject({ consumption: 9000, totalCents: 2415 });
    expect(engine.updateProfile(state, { ...base, registerModulus: 1_000_000 })).toEqual({ changed: true, refused: [] });
    const [adjustment, ...rest] = engine.advanceWatermark(state, sp(7, 5));
    expect(rest).toEqual([]);
    // The wrap: 1,000,000 − 999,000 + 19,000 = 20,000 L more, 29 m³ in all:
    // 24.15 + 10 × 3.78 + 9 × 9.44 = 24.15 + 37.80 + 84.96 = 146.91, i.e. +122.76.
    expect(adjustment).toMatchObject({ status: 'adjusted', consumption: 20_000, totalCents: 12276 });
    // The same version again changes nothing.
    expect(engine.updateProfile(state, { ...base, registerModulus: 1_000_000 })).toEqual({ changed: false, refused: [] });
  });

  it('zone and cycle day apply before the first final bill', () => {
    const engine = engineOf();
    const state = engine.createMeterState({ meterId: 'w-1', zone: 'UTC', registerUnit: 'L' });
    apply(engine, state, sp(6, 1), 100_000);
    apply(engine, state, sp(7, 1), 127_000);
    expect(engine.updateProfile(state, { ...base, cycleDay: 15 })).toEqual({ changed: true, refused: [] });
    const bills = engine.advanceWatermark(state, sp(7, 19));
    // Periods from local midnight of the 15th in São Paulo; 27 m³ over 30 days, spread evenly:
    // 1-15 June (14 days) 12.6 m³ in the period of 15 May, 15 June - 1 July (16 days) 14.4 m³.
    expect(bills.map((b) => [b.invoiceId, b.periodStart, b.zone, b.consumption])).toEqual([
      ['w-1/2017-05-15', sp(5, 15), SP, 12_600],
      ['w-1/2017-06-15', sp(6, 15), SP, 14_400],
    ]);
  });

  it('refuses to move the periods of a meter already billed, and says why', () => {
    const engine = engineOf();
    const state = engine.createMeterState({ meterId: 'w-1', zone: SP, registerUnit: 'L' });
    apply(engine, state, sp(6, 1), 100_000);
    apply(engine, state, sp(7, 1), 127_000);
    engine.advanceWatermark(state, sp(7, 4));
    const outcome = engine.updateProfile(state, { ...base, zone: 'Europe/Madrid' });
    expect(outcome.changed).toBe(false);
    expect(outcome.refused).toEqual([{ field: 'timeZone', reason: expect.stringContaining('has final bills in America/Sao_Paulo') }]);
    expect(state.profile.zone).toBe(SP);
  });

  it('bills nothing after a decommission (service end)', () => {
    const engine = engineOf();
    const state = engine.createMeterState({ meterId: 'w-1', zone: SP, registerUnit: 'L' });
    apply(engine, state, sp(6, 1), 100_000);
    apply(engine, state, sp(7, 1), 127_000);
    engine.updateProfile(state, { ...base, serviceEnd: sp(7, 1) });
    expect(engine.advanceWatermark(state, sp(9, 4)).map((b) => b.periodLabel)).toEqual(['2017-06-01']);
  });

  it('refuses registry rows billing cannot use, with the reason, and keeps the others', () => {
    const row = { ts: 5, meterId: 'm', timeZone: SP, registerModulus: null, billingCycleDay: null, maxFlowPerHour: null, serviceStart: null, serviceEnd: null };
    const { profiles, refused } = registryProfiles([
      row,
      { ...row, meterId: 'bad-zone', timeZone: 'Mars/Olympus' },
      { ...row, meterId: 'bad-day', billingCycleDay: 31 },
      { ...row, meterId: 'bad-modulus', registerModulus: -1 },
      { ...row, meterId: 'bad-service', serviceStart: 10, serviceEnd: 10 },
    ]);
    expect([...profiles.keys()]).toEqual(['m']);
    // Replacements group by meter, oldest first, and a later declaration is a new version of the profile.
    const replacement = { meterId: 'm', at: 20, oldFinalRegister: 5, newInitialRegister: 0, unit: 'L', declaredAt: 99 };
    const withReplacements = registryProfiles([row], [{ ...replacement, at: 30 }, replacement, { ...replacement, meterId: 'unregistered' }]).profiles;
    expect(withReplacements.get('m')).toMatchObject({ version: 99, replacements: [{ at: 20 }, { at: 30 }] });
    expect(withReplacements.get('unregistered')).toMatchObject({ version: 99, zone: null, replacements: [{ at: 20 }] });
    // Owner changes: sorted by date, the first one's previous owner billed before it; without any, the registry's customer.
    const move = { meterId: 'm', from: '2017-06-16', customerId: 'c-new', previousCustomerId: 'c-old', declaredAt: 120 };
    const withOwners = registryProfiles([{ ...row, customerId: 'c-new' }], [], [{ ...move, from: '2017-09-01', customerId: null, previousCustomerId: 'c-new' }, move]).profiles;
    expect(withOwners.get('m')).toMatchObject({ version: 120, customerId: 'c-old', ownerChanges: [{ from: '2017-06-16', customerId: 'c-new' }, { from: '2017-09-01', customerId: null }] });
    expect(registryProfiles([{ ...row, customerId: 'c-1' }]).profiles.get('m')).toMatchObject({ customerId: 'c-1', ownerChanges: [] });
    expect(refused.map((r) => [r.row.meterId, r.reason])).toEqual([
      ['bad-zone', 'time_zone "Mars/Olympus" is not an IANA time zone'],
      ['bad-day', 'billing_cycle_day 31 is not 1-28'],
      ['bad-modulus', 'register_modulus -1 is not a positive number'],
      ['bad-service', 'service_end is not after service_start'],
    ]);
  });
});

describe('the billing processor follows the registry', () => {
  const reading = (ts: number, register: number): Reading => ({ meterId: 'w-1', kind: 'water', ts, value: null, valueUnit: 'L/min', register, registerUnit: 'L', seq: null, sector: null, receivedAt: ts });
  const profile = (fields: Partial<RegistryProfile>): RegistryProfile => ({ version: 1, zone: SP, cycleDay: null, registerModulus: null, registerMultiplier: null, maxFlowPerHour: null, serviceStart: null, serviceEnd: null, reportingIntervalS: null, replacements: [], customerId: null, ownerChanges: [], ...fields });

  it('bills in the meter\'s own zone, and a new registry version (a modulus) reaches the closed period as an adjustment', () => {
    const profiles = new Map<string, RegistryProfile>([['w-1', profile({})]]);
    const processor = createBillingProcessor({ engine: createBillingEngine(defaultBillingConfig), kinds: ['water'], timeZone: 'UTC', profiles, provisionalIntervalMs: day, rules: parseAlertRulesConfig({}) });
    const driver = createTestDriver(processor, { allowedLatenessMs: 0 });
    driver.pipe(reading(sp(6, 1), 990_000), reading(sp(6, 16), 999_000), reading(sp(7, 1), 19_000), reading(sp(7, 10), 20_000));
    const finals = driver.rows.filter((r) => r.table === 'invoices' && r.symbols.status === 'final');
    // June in São Paulo: starts at local midnight (03:00 UTC), 9 m³ billed.
    expect(finals.map((r) => [r.symbols.invoice_id, r.ts, r.values.consumption])).toEqual([['w-1/2017-06-01', sp(6, 1), 9000]]);
    profiles.set('w-1', profile({ version: 2, registerModulus: 1_000_000 }));
    driver.pipe(reading(sp(7, 11), 21_000));
    const adjusted = driver.rows.filter((r) => r.table === 'invoices' && r.symbols.status === 'adjusted');
    expect(adjusted.map((r) => [r.symbols.invoice_id, r.values.consumption, r.values.total_cents])).toEqual([['w-1/2017-06-01/adj-1', 20_000, 12276]]);
  });

  it('bills each owner of the registry their own days, the customer on every invoice row', () => {
    const profiles = new Map<string, RegistryProfile>([['w-1', profile({ customerId: 'c-old', ownerChanges: [{ from: '2017-06-16', customerId: 'c-new' }] })]]);
    const processor = createBillingProcessor({ engine: createBillingEngine(defaultBillingConfig), kinds: ['water'], timeZone: 'UTC', profiles, provisionalIntervalMs: day, rules: parseAlertRulesConfig({}) });
    const driver = createTestDriver(processor, { allowedLatenessMs: 0 });
    driver.pipe(reading(sp(6, 1), 100_000), reading(sp(6, 16), 115_000), reading(sp(7, 1), 127_000), reading(sp(7, 10), 128_000));
    const finals = driver.rows.filter((r) => r.table === 'invoices' && r.symbols.status === 'final');
    expect(finals.map((r) => [r.symbols.invoice_id, r.symbols.customer_id, r.values.consumption])).toEqual([
      ['w-1/2017-06-01', 'c-old', 15_000],
      ['w-1/2017-06-01/from-2017-06-16', 'c-new', 12_000],
    ]);
  });

  it('raises a billing-refused alert when the registry moves the periods of a meter already billed', () => {
    const profiles = new Map<string, RegistryProfile>([['w-1', profile({})]]);
    const processor = createBillingProcessor({ engine: createBillingEngine(defaultBillingConfig), kinds: ['water'], timeZone: 'UTC', profiles, provisionalIntervalMs: day, rules: parseAlertRulesConfig({}) });
    const driver = createTestDriver(processor, { allowedLatenessMs: 0 });
    driver.pipe(reading(sp(6, 1), 100_000), reading(sp(7, 1), 110_000), reading(sp(7, 10), 111_000));
    profiles.set('w-1', profile({ version: 2, zone: 'Europe/Madrid' }));
    driver.pipe(reading(sp(7, 11), 112_000));
    const refusals = driver.rows.filter((r) => r.table === 'alerts' && r.symbols.rule === 'billing-refused').map((r) => JSON.parse(r.values.evidence as string) as { reason: string; field: string });
    expect(refusals).toEqual([expect.objectContaining({ reason: 'registry-change-refused', field: 'timeZone' })]);
  });

  it('a register replacement declared after the final bill is billed as old tail + new head, by adjustment', () => {
    const profiles = new Map<string, RegistryProfile>([['w-1', profile({})]]);
    const processor = createBillingProcessor({ engine: createBillingEngine(defaultBillingConfig), kinds: ['water'], timeZone: 'UTC', profiles, provisionalIntervalMs: day, rules: parseAlertRulesConfig({}) });
    const driver = createTestDriver(processor, { allowedLatenessMs: 0 });
    // Old register 100,000 → 104,000; swapped on 15 June (old final 106,000, new from 0): 1,000 on the 20th, 12,000 on 1 July.
    driver.pipe(reading(sp(6, 1), 100_000), reading(sp(6, 10), 104_000), reading(sp(6, 20), 1000), reading(sp(7, 1), 12_000), reading(sp(7, 10), 12_500));
    // Undeclared, the new register's values are unexplained decreases: June = 4 m³, the flat block, R$24.15.
    const finals = driver.rows.filter((r) => r.table === 'invoices' && r.symbols.status === 'final');
    expect(finals.map((r) => [r.values.consumption, r.values.total_cents])).toEqual([[4000, 2415]]);
    profiles.set('w-1', profile({ version: 2, replacements: [{ meterId: 'w-1', at: sp(6, 15), oldFinalRegister: 106, newInitialRegister: 0, unit: 'm3', declaredAt: 2 }] }));
    driver.pipe(reading(sp(7, 11), 13_000));
    // Declared (in m³): 4 + old tail 106 − 104 = 2 + new head 12 − 0 = 12 → 18 m³: 24.15 + 8 × 3.78 = 54.39, i.e. +14 m³, +30.24.
    const adjusted = driver.rows.filter((r) => r.table === 'invoices' && r.symbols.status === 'adjusted');
    expect(adjusted.map((r) => [r.symbols.invoice_id, r.values.consumption, r.values.total_cents])).toEqual([['w-1/2017-06-01/adj-1', 14_000, 3024]]);
  });
});
