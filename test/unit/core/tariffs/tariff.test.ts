import { isMeterflowError } from '../../../../core/errors';
import { parseTariff } from '../../../../core/tariffs/tariff';
import { sabesp2017 } from '../../../fixtures/billing/sabesp-tariffs';

function errorOf(input: unknown): Error {
  try {
    parseTariff(input);
  } catch (e) {
    expect(isMeterflowError(e, 'BILLING_CONFIG_INVALID')).toBe(true);
    return e as Error;
  }
  throw new Error('expected parseTariff to throw');
}

describe('tariff validation', () => {
  it('accepts SABESP and fills the defaults', () => {
    const t = parseTariff(sabesp2017);
    expect(t.fixedCharge).toBe(0);
    expect(t.tierReferenceDays).toBe(30);
    expect(t.blocks).toHaveLength(4);
  });

  it('names the bad block field', () => {
    const blocks = [{ upTo: 10, flatAmount: 24.15 }, { upTo: 10, rate: 3.78 }, { upTo: null, rate: 9.44 }];
    expect(errorOf({ ...sabesp2017, blocks }).message).toMatch(/tariff "sabesp-res-2017"\.blocks\[1\]\.upTo: must be greater than the previous block's upTo \(10\)/);
    expect(errorOf({ ...sabesp2017, blocks: [{ upTo: null, rate: 1, flatAmount: 2 }] }).message).toMatch(/blocks\[0\]: give either rate or flatAmount/);
    expect(errorOf({ ...sabesp2017, blocks: [{ upTo: 10, rate: 1 }] }).message).toMatch(/blocks\[0\]\.upTo: the last block must have upTo: null/);
    expect(errorOf({ ...sabesp2017, blocks: [{ upTo: null, rate: -1 }] }).message).toMatch(/blocks\[0\]\.rate/);
  });

  it('names the bad currency, unknown keys, and a missing charge', () => {
    expect(errorOf({ ...sabesp2017, currency: 'reais' }).message).toMatch(/currency: must be an ISO 4217 code/);
    expect(errorOf({ ...sabesp2017, tiers: [] }).message).toMatch(/Unrecognized key\(s\) in object: 'tiers'/);
    expect(errorOf({ ...sabesp2017, blocks: undefined }).message).toMatch(/blocks: give either blocks or tou/);
  });

  it('refuses a TOU schedule that points at a period that does not exist', () => {
    const row = (p: number) => Array.from({ length: 24 }, () => p);
    const tou = {
      periods: [{ name: 'all', blocks: [{ upTo: null, rate: 0.1 }] }],
      weekdaySchedule: Array.from({ length: 12 }, (_, m) => (m === 6 ? [...row(0).slice(0, 17), 1, ...row(0).slice(18)] : row(0))),
      weekendSchedule: Array.from({ length: 12 }, () => row(0)),
    };
    expect(errorOf({ id: 't', currency: 'USD', unit: 'kWh', tou }).message).toMatch(/tou\.weekdaySchedule\[6\]\[17\]: period 1 does not exist \(there are 1\)/);
    expect(errorOf({ id: 't', currency: 'USD', unit: 'kWh', tou: { ...tou, weekendSchedule: [row(0)] } }).message).toMatch(/tou\.weekendSchedule/);
  });
});
