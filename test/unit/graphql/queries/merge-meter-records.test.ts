import type { MeterRecord } from '../../../../graphql/meters/meter-directory';
import { matchesFilter, noBillingSettings } from '../../../../graphql/meters/meter-directory';
import { mergeMeterRecords, type RegistryRow, type SeenRow } from '../../../../graphql/meters/merge-meter-records';

const t = (s: string) => new Date(`2026-03-01T${s}Z`);
const reg = (meterId: string, fields: Partial<RegistryRow> = {}): RegistryRow => ({
  meterId, kind: 'water', sector: 'north', customerId: 'c1', timeZone: 'UTC', reportingIntervalS: 60, tariffId: 'tA', label: null, registeredAt: t('00:00:00'), updatedAt: t('00:00:00'), billing: noBillingSettings, ...fields,
});
const seen = (meterId: string, fields: Partial<SeenRow> = {}): SeenRow => ({ meterId, kind: 'electricity', sector: 'south', lastSeenAt: t('10:00:00'), ...fields });

describe('meter directory merge', () => {
  it('registry fields win, readings give lastSeenAt and fill a missing sector', () => {
    const out = mergeMeterRecords([reg('m1'), reg('m2', { sector: null })], [seen('m1'), seen('m2')]);
    expect(out.get('m1')).toMatchObject({ kind: 'water', sector: 'north', customerId: 'c1', lastSeenAt: t('10:00:00'), registeredAt: t('00:00:00') });
    expect(out.get('m2')!.sector).toBe('south');
  });

  it('a meter only seen in readings is known, unregistered, with its reading\'s kind and sector', () => {
    const out = mergeMeterRecords([], [seen('m9')]);
    expect(out.get('m9')).toEqual({
      meterId: 'm9', kind: 'electricity', sector: 'south', customerId: null, timeZone: null, reportingIntervalS: null, tariffId: null, label: null, registeredAt: null, updatedAt: null, lastSeenAt: t('10:00:00'),
      billing: { registerModulus: null, registerMultiplier: null, billingCycleDay: null, maxFlowPerHour: null, serviceStart: null, serviceEnd: null },
    });
  });

  it('a registered meter that never reported has no lastSeenAt; an unknown kind falls back to generic', () => {
    const out = mergeMeterRecords([reg('m3', { kind: 'steam' })], []);
    expect(out.get('m3')).toMatchObject({ kind: 'generic', lastSeenAt: null });
  });

  it('a remembered write wins over an older registry row, not over a newer one', () => {
    const mine: MeterRecord = { ...mergeMeterRecords([reg('m1', { customerId: 'c2', updatedAt: t('01:00:00') })], []).get('m1')!, lastSeenAt: null };
    const older = mergeMeterRecords([reg('m1')], [seen('m1')], new Map([['m1', mine]]));
    expect(older.get('m1')).toMatchObject({ customerId: 'c2', lastSeenAt: t('10:00:00') });
    const newer = mergeMeterRecords([reg('m1', { customerId: 'c3', updatedAt: t('02:00:00') })], [], new Map([['m1', mine]]));
    expect(newer.get('m1')!.customerId).toBe('c3');
    // Not in QuestDB at all yet: served from the overlay.
    expect(mergeMeterRecords([], [], new Map([['m1', mine]])).get('m1')!.customerId).toBe('c2');
  });

  it('filters on sector, kind and customer together', () => {
    const m = mergeMeterRecords([reg('m1')], []).get('m1')!;
    expect(matchesFilter(m, {})).toBe(true);
    expect(matchesFilter(m, { sector: 'north', kind: 'water', customerId: 'c1' })).toBe(true);
    expect(matchesFilter(m, { customerId: 'c2' })).toBe(false);
    expect(matchesFilter(m, { kind: 'gas' })).toBe(false);
  });
});
