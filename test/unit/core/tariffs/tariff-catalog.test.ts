import type { TariffVersionRecord } from '../../../../core/streams/tariff-versions';
import { parseTariff, type TariffInput } from '../../../../core/tariffs/tariff';
import { parseTariffAssignment } from '../../../../core/tariffs/tariff-assignment';
import { buildTariffCatalog, priceListOn, pricedShares, versionOn } from '../../../../core/tariffs/tariff-catalog';
import { sabesp2017, sabesp2018 } from '../../../fixtures/billing/sabesp-tariffs';

const configured = new Map([sabesp2017, sabesp2018].map((t) => [t.id, parseTariff(t)]));
const flat = (id: string, rate: number, extra: Partial<TariffInput> = {}): TariffInput => ({ id, currency: 'BRL', unit: 'm3', blocks: [{ upTo: null, rate }], ...extra });
let clock = 1_000;
const publish = (tariff: TariffInput, effectiveFrom: string): TariffVersionRecord => ({
  publishedAt: (clock += 1_000),
  tariffId: tariff.id,
  action: 'publish',
  effectiveFrom,
  definition: JSON.stringify(tariff),
  replacedBy: null,
  note: null,
  publishedBy: 'admin',
});
const retire = (tariffId: string, from: string, replacedBy: string | null): TariffVersionRecord => ({ publishedAt: (clock += 1_000), tariffId, action: 'retire', effectiveFrom: from, definition: null, replacedBy, note: null, publishedBy: 'admin' });
const rateOn = (catalog: ReturnType<typeof buildTariffCatalog>, id: string, date: string) => {
  const priced = priceListOn(catalog, id, date);
  return priced && [priced.tariff.id, priced.tariff.blocks?.[0]?.rate ?? priced.tariff.blocks?.[0]?.flatAmount];
};

describe('tariff catalog', () => {
  it('prices each day with the version in force: configured from the beginning, then by effective date', () => {
    const catalog = buildTariffCatalog(configured, [publish(flat('sabesp-res-2017', 5), '2017-06-16'), publish(flat('sabesp-res-2017', 6), '2017-07-01')]);
    const entry = catalog.entries.get('sabesp-res-2017')!;
    expect(entry.versions.map((v) => [v.version, v.effectiveFrom])).toEqual([[0, '0000-01-01'], [1, '2017-06-16'], [2, '2017-07-01']]);
    expect(versionOn(entry, '1999-01-01').version).toBe(0);
    expect(versionOn(entry, '2017-06-15').version).toBe(0);
    expect(versionOn(entry, '2017-06-16').version).toBe(1);
    expect(versionOn(entry, '2017-06-30').version).toBe(1);
    expect(versionOn(entry, '2017-07-01').version).toBe(2);
    expect(catalog.refused).toEqual([]);
    expect(catalog.revision).toBe(clock);
  });

  it('on one date the later publication wins; an API tariff is priced with its first version before its date', () => {
    const catalog = buildTariffCatalog(configured, [publish(flat('api-1', 1), '2026-01-01'), publish(flat('api-1', 2), '2026-01-01'), publish(flat('api-1', 3), '2026-03-01')]);
    expect(rateOn(catalog, 'api-1', '2025-12-31')).toEqual(['api-1', 1]);
    expect(rateOn(catalog, 'api-1', '2026-01-01')).toEqual(['api-1', 2]);
    expect(rateOn(catalog, 'api-1', '2026-03-01')).toEqual(['api-1', 3]);
    expect(catalog.entries.get('api-1')!.source).toBe('api');
    expect(rateOn(catalog, 'nope', '2026-03-01')).toBeNull();
  });

  it('hands a retired tariff\'s days to its successor from the retirement date, and keeps its own before', () => {
    const catalog = buildTariffCatalog(configured, [publish(flat('old', 1), '2020-01-01'), publish(flat('new', 2), '2020-01-01'), retire('old', '2026-02-01', 'new')]);
    expect(rateOn(catalog, 'old', '2026-01-31')).toEqual(['old', 1]);
    expect(rateOn(catalog, 'old', '2026-02-01')).toEqual(['new', 2]);
    expect(catalog.entries.get('old')!.retirement).toMatchObject({ from: '2026-02-01', replacedBy: 'new' });
  });

  it('refuses, and lists, rows that would make assigned meters unbillable or break the history', () => {
    const records = [
      publish(flat('sabesp-res-2017', 5, { currency: 'USD' }), '2026-01-01'),
      publish(flat('sabesp-res-2017', 5, { unit: 'kWh' }), '2026-01-01'),
      { ...publish(flat('other-id', 5), '2026-01-01'), tariffId: 'sabesp-res-2018' },
      { ...publish(flat('x', 5), '2026-01-01'), definition: '{not json' },
      publish(flat('y', 5), '2026-02-30'),
      retire('unknown', '2026-01-01', null),
      retire('sabesp-res-2018', '2026-01-01', 'sabesp-res-2018'),
      publish(flat('gone', 1), '2020-01-01'),
      retire('gone', '2026-01-01', null),
      publish(flat('gone', 2), '2026-06-01'),
    ];
    const catalog = buildTariffCatalog(configured, records);
    expect(catalog.refused.map((r) => r.reason)).toEqual([
      'currency USD differs from BRL: meters billed by it would mix currencies in a period',
      'unit kWh cannot price what m3 did (meters assigned to it would become unbillable)',
      'definition id "other-id" differs from the row\'s tariff "sabesp-res-2018"',
      expect.stringMatching(/JSON/),
      'effective_from "2026-02-30" is not a YYYY-MM-DD date',
      'unknown tariff "unknown"',
      'a tariff cannot replace itself',
      'tariff "gone" is retired from 2026-01-01',
    ]);
    // Nothing refused was applied.
    expect(catalog.entries.get('sabesp-res-2017')!.versions).toHaveLength(1);
    expect(catalog.entries.get('sabesp-res-2018')!.retirement).toBeNull();
    expect(catalog.entries.get('gone')!.versions).toHaveLength(1);
  });

  it('splits a period by version: June 2017 with a new price list from the 16th', () => {
    const catalog = buildTariffCatalog(configured, [publish({ ...sabesp2018, id: 'sabesp-res-2017' }, '2017-06-16')]);
    const assignment = parseTariffAssignment({ default: 'sabesp-res-2017' }, new Set(catalog.entries.keys()));
    const june = Array.from({ length: 30 }, (_, i) => `2017-06-${String(i + 1).padStart(2, '0')}`);
    const shares = pricedShares(catalog, assignment, 'w-1', null, june);
    expect(shares.map((s) => [s.tariff.id, s.tariff.blocks![0]!.flatAmount, s.days, s.firstDate, s.lastDate])).toEqual([
      ['sabesp-res-2017', 24.15, 15, '2017-06-01', '2017-06-15'],
      ['sabesp-res-2017', 25, 15, '2017-06-16', '2017-06-30'],
    ]);
  });
});
