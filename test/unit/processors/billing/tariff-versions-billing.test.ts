import type { TariffVersionRecord } from '../../../../core/streams/tariff-versions';
import type { TariffInput } from '../../../../core/tariffs/tariff';
import { buildTariffCatalog } from '../../../../core/tariffs/tariff-catalog';
import { fromLocal } from '../../../../core/time/local-time';
import { createBillingEngine, type BillingEngine, type MeterBillingState } from '../../../../processors/billing/billing-state';
import { sabesp2017, sabesp2018 } from '../../../fixtures/billing/sabesp-tariffs';

// Tariff versions published at run time (docs/billing.md, "Tariffs at run time"), through the
// billing engine. Amounts hand-worked from the two SABESP price lists (2017: 0-10 m³ flat 24.15,
// 3.78, 9.44, 10.40; "2018": flat 25, 4, 10, 11).
const day = 86_400_000;
const SP = 'America/Sao_Paulo';
const sp = (m: number, d: number) => fromLocal(SP, 2017, m, d, 0);
let clock = 0;
const publish = (tariff: TariffInput, effectiveFrom: string): TariffVersionRecord => ({ publishedAt: (clock += 1_000), tariffId: tariff.id, action: 'publish', effectiveFrom, definition: JSON.stringify(tariff), replacedBy: null, note: null, publishedBy: 'admin' });
const retire = (tariffId: string, from: string, replacedBy: string): TariffVersionRecord => ({ publishedAt: (clock += 1_000), tariffId, action: 'retire', effectiveFrom: from, definition: null, replacedBy, note: null, publishedBy: 'admin' });

function june(engine: BillingEngine, litres: [number, number] = [100_000, 130_000]): MeterBillingState {
  const state = engine.createMeterState({ meterId: 'w-1', zone: SP, registerUnit: 'L' });
  engine.applyReading(state, { meterId: 'w-1', ts: sp(6, 1), register: litres[0], registerUnit: 'L', receivedAt: sp(6, 1) });
  engine.applyReading(state, { meterId: 'w-1', ts: sp(7, 1), register: litres[1], registerUnit: 'L', receivedAt: sp(7, 1) });
  return state;
}

const newEngine = () => createBillingEngine({ tariffs: [sabesp2017, sabesp2018], assignment: { default: 'sabesp-res-2017' }, graceMs: 3 * day, maxGapMs: 40 * day });

describe('billing with tariff versions published at run time', () => {
  it('splits a period by days at a new version: June, 30 m³, new prices from the 16th', () => {
    const engine = newEngine();
    engine.useTariffCatalog(buildTariffCatalog(engine.options.tariffs, [publish({ ...sabesp2018, id: 'sabesp-res-2017' }, '2017-06-16')]));
    const [final] = engine.advanceWatermark(june(engine), sp(7, 4));
    // 15 days each, 15 m³ each, blocks halved (15/30):
    // old: 24.15/2 = 12.075 → 12.08; 5 × 3.78 = 18.90; 5 × 9.44 = 47.20 → 78.18
    // new: 25/2 = 12.50; 5 × 4 = 20.00; 5 × 10 = 50.00 → 82.50
    expect(final!.lines.map((l) => [l.tariffId, l.tier, l.quantity, l.amountCents])).toEqual([
      ['sabesp-res-2017', 1, 5, 1208],
      ['sabesp-res-2017', 2, 5, 1890],
      ['sabesp-res-2017', 3, 5, 4720],
      ['sabesp-res-2017', 1, 5, 1250],
      ['sabesp-res-2017', 2, 5, 2000],
      ['sabesp-res-2017', 3, 5, 5000],
    ]);
    expect(final!.totalCents).toBe(16068);
  });

  it('bills a version effective in an already billed period as an adjustment, once', () => {
    const engine = newEngine();
    const state = june(engine, [100_000, 127_000]);
    const [final] = engine.advanceWatermark(state, sp(7, 4));
    // 27 m³ on the 2017 list: 24.15 + 37.80 + 7 × 9.44 (66.08) = 128.03
    expect(final!.totalCents).toBe(12803);
    engine.useTariffCatalog(buildTariffCatalog(engine.options.tariffs, [publish({ ...sabesp2018, id: 'sabesp-res-2017' }, '2017-06-01')]));
    expect(engine.repriceClosed(state)).toBe(true);
    const [adjustment, ...rest] = engine.advanceWatermark(state, sp(7, 5));
    expect(rest).toEqual([]);
    // 27 m³ on the new list: 25 + 40 + 7 × 10 = 135.00 → +6.97
    expect(adjustment).toMatchObject({ status: 'adjusted', adjusts: 'w-1/2017-06-01', consumption: 0, totalCents: 697 });
    // Repricing again with the same catalog finds no difference.
    engine.repriceClosed(state);
    expect(engine.advanceWatermark(state, sp(7, 6))).toEqual([]);
  });

  it('moves a retired tariff\'s days to its successor', () => {
    const engine = newEngine();
    engine.useTariffCatalog(buildTariffCatalog(engine.options.tariffs, [retire('sabesp-res-2017', '2017-06-16', 'sabesp-res-2018')]));
    const [final] = engine.advanceWatermark(june(engine), sp(7, 4));
    expect(final!.lines.map((l) => l.tariffId)).toEqual(['sabesp-res-2017', 'sabesp-res-2017', 'sabesp-res-2017', 'sabesp-res-2018', 'sabesp-res-2018', 'sabesp-res-2018']);
    expect(final!.totalCents).toBe(16068);
  });

  it('has nothing to reprice for a meter without a final bill', () => {
    const engine = newEngine();
    expect(engine.repriceClosed(june(engine))).toBe(false);
  });
});
