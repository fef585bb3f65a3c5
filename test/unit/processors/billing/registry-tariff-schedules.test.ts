import { parseBillingOptions } from '../../../../core/tariffs/billing-options';
import { defaultBillingConfig } from '../../../../core/tariffs/default-billing-config';
import { mergeSchedules, registrySchedules } from '../../../../processors/billing/registry-tariff-schedules';

const { tariffs } = parseBillingOptions({
  ...defaultBillingConfig,
  tariffs: [...defaultBillingConfig.tariffs, { id: 'flat-5', name: 'Flat', currency: 'BRL', unit: 'm3', blocks: [{ upTo: null, rate: 5 }] }, { id: 'kwh-1', name: 'Power', currency: 'BRL', unit: 'kWh', blocks: [{ upTo: null, rate: 1 }] }],
});
const at = (iso: string) => Date.parse(iso);

describe('tariff schedules from the meter registry', () => {
  it('starts each change at the local day it was made (billing time zone)', () => {
    const { schedules, refused } = registrySchedules(
      [
        { ts: at('2026-03-15T10:00:00Z'), meterId: 'm1', kind: 'water', tariffId: 'flat-5' },
        // 01:30 UTC on 1 April is still 31 March in São Paulo (UTC-3).
        { ts: at('2026-04-01T01:30:00Z'), meterId: 'm1', kind: 'water', tariffId: 'sabesp-res-2017' },
      ],
      tariffs,
      'America/Sao_Paulo',
    );
    expect(refused).toEqual([]);
    expect(schedules.get('m1')).toEqual([
      { from: '2026-03-15', tariffId: 'flat-5' },
      { from: '2026-03-31', tariffId: 'sabesp-res-2017' },
    ]);
  });

  it('keeps the last of several changes on one day, and ignores rows that repeat the tariff in force', () => {
    const { schedules } = registrySchedules(
      [
        { ts: at('2026-05-02T12:00:00Z'), meterId: 'm1', kind: 'water', tariffId: 'flat-5' }, // label change, same tariff
        { ts: at('2026-05-01T08:00:00Z'), meterId: 'm1', kind: 'water', tariffId: 'flat-5' },
        { ts: at('2026-05-03T08:00:00Z'), meterId: 'm1', kind: 'water', tariffId: 'sabesp-res-2017' },
        { ts: at('2026-05-03T09:00:00Z'), meterId: 'm1', kind: 'water', tariffId: 'flat-5' },
      ],
      tariffs,
      'UTC',
    );
    expect(schedules.get('m1')).toEqual([{ from: '2026-05-01', tariffId: 'flat-5' }]);
  });

  it('refuses unknown tariffs and tariffs the meter\'s kind cannot be priced in, with the reason', () => {
    const { schedules, refused } = registrySchedules(
      [
        { ts: at('2026-05-01T00:00:00Z'), meterId: 'm1', kind: 'water', tariffId: 'gone' },
        { ts: at('2026-05-01T00:00:00Z'), meterId: 'm2', kind: 'water', tariffId: 'kwh-1' },
        { ts: at('2026-05-01T00:00:00Z'), meterId: 'm3', kind: 'electricity', tariffId: 'kwh-1' },
      ],
      tariffs,
      'UTC',
    );
    expect(refused.map((r) => [r.row.meterId, r.reason])).toEqual([
      ['m1', 'unknown tariff "gone"'],
      ['m2', 'tariff "kwh-1" prices kWh, meter kind water registers L'],
    ]);
    expect([...schedules.keys()]).toEqual(['m3']);
  });

  it('keeps the configured schedule until the registry\'s first entry', () => {
    const merged = mergeSchedules(
      [
        { from: '0000-01-01', tariffId: 'sabesp-res-2017' },
        { from: '2026-06-01', tariffId: 'flat-5' },
      ],
      [{ from: '2026-04-10', tariffId: 'kwh-1' }],
    );
    expect(merged).toEqual([
      { from: '0000-01-01', tariffId: 'sabesp-res-2017' },
      { from: '2026-04-10', tariffId: 'kwh-1' },
    ]);
  });
});
