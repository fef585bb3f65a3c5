import { isMeterflowError } from '../../../core/errors';
import { resolveImportMapping } from '../../../history-import/import-mapping';

const refusal = (layers: Parameters<typeof resolveImportMapping>[0]) => {
  try {
    resolveImportMapping(layers);
  } catch (error) {
    if (isMeterflowError(error, 'IMPORT_MAPPING_INVALID')) return error.message;
    throw error;
  }
  throw new Error('accepted');
};

describe('resolveImportMapping', () => {
  it('the daiad preset reads litre registers in Madrid time; a flag overrides a field', () => {
    const m = resolveImportMapping({ preset: 'daiad', flags: { meterIdPrefix: 'es-' } });
    expect(m).toMatchObject({ delimiter: ';', kind: 'water', timeZone: 'Europe/Madrid', register: '#3', registerFactor: 1, meterIdPrefix: 'es-' });
    expect(m.readTimestamp('01/03/2016 00:00:00')).toBe(Date.UTC(2016, 1, 29, 23));
  });

  it('converts the file unit to the kind register unit: m3 to L is 1000, Wh to kWh 0.001', () => {
    expect(resolveImportMapping({ flags: { meterId: 'id', timestamp: 't', kind: 'water', register: 'r', registerUnit: 'm3' } }).registerFactor).toBe(1000);
    expect(resolveImportMapping({ preset: 'lcl', flags: { intervalUnit: 'Wh' } }).intervalFactor).toBeCloseTo(0.001, 12);
  });

  it('layers apply preset, then mapping file, then flags', () => {
    const m = resolveImportMapping({ preset: 'daiad', file: { timeZone: 'UTC', kind: 'gas', registerUnit: 'm3' }, flags: { timeZone: 'Europe/Lisbon' } });
    expect(m.timeZone).toBe('Europe/Lisbon');
    expect(m.kind).toBe('gas');
  });

  it.each([
    [{ preset: 'nope' }, '--preset'],
    [{ flags: { meterId: 'id', timestamp: 't', kind: 'water' } }, 'register'],
    [{ flags: { meterId: 'id', timestamp: 't', kind: 'boat', register: 'r' } }, 'kind'],
    [{ flags: { meterId: 'id', timestamp: 't', kind: 'water', register: 'r', timeZone: 'Mars/Olympus' } }, 'timeZone'],
    [{ flags: { meterId: 'id', timestamp: 't', kind: 'water', register: 'r', timestampFormat: 'HH:MM' } }, 'timestampFormat'],
    [{ flags: { meterId: 'id', timestamp: 't', kind: 'water', register: 'r', registerUnit: 'kWh' } }, 'registerUnit'],
    [{ flags: { meterId: 'id', timestamp: 't', kind: 'temperature', register: 'r' } }, 'kind'],
    [{ flags: { meterId: 'id', timestamp: 't', kind: 'electricity', interval: 'q' } }, 'intervalMinutes'],
    [{ flags: { meterId: 'id', timestamp: 't', kind: 'electricity', interval: 'q', register: 'r', intervalMinutes: 30 } }, 'interval'],
    [{ flags: { meterId: 'id', timestamp: 't', kind: 'water', register: 'r', delimiter: ';;' } }, 'delimiter'],
    [{ flags: { meterId: 'id', timestamp: 't', kind: 'water', register: 'r', meterIdPrefix: 'a b' } }, 'meterIdPrefix'],
    [{ file: { meterid: 'id' } }, 'meterid'],
  ])('refuses %j naming %s', (layers, field) => {
    expect(refusal(layers as Parameters<typeof resolveImportMapping>[0]).startsWith(`${field}:`)).toBe(true);
  });
});
