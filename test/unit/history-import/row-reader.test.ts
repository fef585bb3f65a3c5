import { resolveImportMapping } from '../../../history-import/import-mapping';
import { createRowReader } from '../../../history-import/row-reader';

describe('createRowReader', () => {
  it('finds columns by header name (trimmed) and reads the LCL row as an interval quantity', () => {
    const reader = createRowReader(resolveImportMapping({ preset: 'lcl' }));
    reader.readHeader('LCLid,stdorToU,DateTime,KWH/hh (per half hour) ,Acorn,Acorn_grouped');
    expect(reader.read('MAC003718,Std,17/10/2012 13:00:00,0.09,ACORN-A,Affluent')).toEqual({ row: { meterId: 'MAC003718', ts: Date.UTC(2012, 9, 17, 13), interval: 0.09 } });
  });

  it('reads DAIAD registers in scientific notation and converts units', () => {
    const reader = createRowReader(resolveImportMapping({ preset: 'daiad', flags: { registerUnit: 'm3', meterIdPrefix: 'x-' } }));
    expect(reader.read('u1;01/03/2016 00:00:00;4e+05;0')).toEqual({ row: { meterId: 'x-u1', ts: Date.UTC(2016, 1, 29, 23), register: 400_000_000 } });
  });

  it('names the column of an unreadable field, and skips blank lines', () => {
    const reader = createRowReader(resolveImportMapping({ preset: 'daiad' }));
    expect(reader.read('u1;01/03/2016 00:00:00;Null;0')).toEqual({ problem: expect.stringContaining('column #3 (register) is not a number: "Null"') });
    expect(reader.read('u1;2016-03-01;1;0')).toEqual({ problem: expect.stringContaining('column #2 (timestamp)') });
    expect(reader.read('u1;01/03/2016 00:00:00')).toEqual({ problem: '2 column(s); the mapping reads column 3' });
    expect(reader.read('u1;01/03/2016 00:00:00;1,5;0')).toEqual({ problem: expect.stringContaining('not a number') });
    expect(reader.read('  ')).toEqual({ skip: true });
  });

  it('refuses a header without a mapped column, naming it', () => {
    const reader = createRowReader(resolveImportMapping({ flags: { meterId: 'meter', timestamp: 'time', kind: 'gas', register: 'reading' } }));
    expect(() => reader.readHeader('meter,time,value')).toThrow('register: no column "reading" in the header');
  });
});
