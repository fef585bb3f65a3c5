import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { isMeterflowError } from '../../../../core/errors';
import { parseBillingOptions } from '../../../../core/tariffs/billing-options';
import { lclScheduleToCalendar } from '../../../../core/tariffs/lcl-schedule';
import { lclBillingConfig, lclDtouTariff, lclStdTariff } from '../../../../core/tariffs/lcl-tariffs';

const csv = (...rows: string[]) => ['TariffDateTime,Tariff', ...rows].join('\n');

function failure(text: string): string {
  try {
    lclScheduleToCalendar(text, { source: 'dToU.csv' });
  } catch (e) {
    expect(isMeterflowError(e, 'TARIFF_SCHEDULE_INVALID')).toBe(true);
    return (e as Error).message;
  }
  throw new Error('expected the conversion to fail');
}

describe('LCL dToU schedule → dated calendar', () => {
  it('keeps only the instants where the band changes, and ends with the last half hour', () => {
    const schedule = lclScheduleToCalendar(
      csv(
        '2013-01-01 00:00:00,Normal',
        '2013-01-01 00:30:00,Normal',
        '2013-01-01 01:00:00,High', // change
        '2013-01-01 01:30:00,High',
        '2013-01-01 02:00:00,Normal', // change
        '2013-01-01 02:30:00,Low', // change
        '2013-01-01 03:00:00,Low', // last row: its half hour ends at 03:30
      ),
    );
    expect(schedule.calendar).toEqual([
      { from: '2013-01-01T00:00:00Z', band: 'Normal' },
      { from: '2013-01-01T01:00:00Z', band: 'High' },
      { from: '2013-01-01T02:00:00Z', band: 'Normal' },
      { from: '2013-01-01T02:30:00Z', band: 'Low' },
    ]);
    expect(schedule.calendarEnd).toBe('2013-01-01T03:30:00Z');
    expect(schedule.halfHours).toEqual({ Normal: 3, High: 2, Low: 2 });
    expect(schedule.missingHalfHours).toBe(0);
  });

  it('reads the times as GMT all year: no shift at the summer-time change', () => {
    // 31 March 2013: 00:30, 01:00 and 01:30 all exist in the file (they would not in London local time).
    const schedule = lclScheduleToCalendar(csv('2013-03-31 00:30:00,Normal', '2013-03-31 01:00:00,High', '2013-03-31 01:30:00,Normal'));
    expect(schedule.calendar.map((e) => e.from)).toEqual(['2013-03-31T00:30:00Z', '2013-03-31T01:00:00Z', '2013-03-31T01:30:00Z']);
  });

  it('puts half hours the file skips in the default band', () => {
    // 01:30 and 02:00 are missing after a High half hour: Normal from 01:30 until Low at 02:30.
    const schedule = lclScheduleToCalendar(csv('2013-01-01 01:00:00,High', '2013-01-01 02:30:00,Low'), { defaultBand: 'Normal' });
    expect(schedule.calendar).toEqual([
      { from: '2013-01-01T01:00:00Z', band: 'High' },
      { from: '2013-01-01T01:30:00Z', band: 'Normal' },
      { from: '2013-01-01T02:30:00Z', band: 'Low' },
    ]);
    expect(schedule.missingHalfHours).toBe(2);
    // A hole after a default-band half hour adds no change.
    expect(lclScheduleToCalendar(csv('2013-01-01 01:00:00,Normal', '2013-01-01 02:30:00,Normal')).calendar).toEqual([{ from: '2013-01-01T01:00:00Z', band: 'Normal' }]);
  });

  it('refuses, naming the line, a bad header, time, grid position, band or order', () => {
    expect(failure('DateTime,Band\n2013-01-01 00:00:00,Normal')).toBe('dToU.csv line 1: expected the header "TariffDateTime,Tariff"; got "DateTime,Band"');
    expect(failure(csv('2013-01-01 00:00:00,Normal', '2013-02-30 00:00:00,High'))).toBe('dToU.csv line 3: "2013-02-30 00:00:00" is not a time of the form YYYY-MM-DD HH:MM:SS');
    expect(failure(csv('2013-01-01 00:15:00,Normal'))).toBe('dToU.csv line 2: 2013-01-01 00:15:00 is not on the half-hour grid (:00 or :30)');
    expect(failure(csv('2013-01-01 00:00:00,'))).toMatch(/^dToU\.csv line 2: band "" must be/);
    expect(failure(csv('2013-01-01 00:00:00,Normal,x'))).toBe('dToU.csv line 2: expected 2 fields (TariffDateTime,Tariff); got 3');
    expect(failure(csv('2013-01-01 00:30:00,Normal', '2013-01-01 00:30:00,High'))).toBe('dToU.csv line 3: 2013-01-01 00:30:00 is not after the previous row\'s half hour (times must increase)');
    expect(failure(csv())).toBe('dToU.csv line 2: no rows after the header');
  });

  it('makes a billing config the billing options accept: chosen meters on dToU, the rest on Std', () => {
    const schedule = lclScheduleToCalendar(csv('2013-01-01 00:00:00,Normal', '2013-01-01 00:30:00,High'));
    const config = lclBillingConfig(lclDtouTariff(schedule), lclStdTariff(), ['MAC003718']);
    const options = parseBillingOptions(config);
    expect(options.assignment).toMatchObject({ default: 'lcl-std', meters: { MAC003718: [{ tariffId: 'lcl-dtou' }] } });
    expect(options.tariffs.get('lcl-dtou')!.datedTou!.bands.map((b) => [b.name, b.blocks[0]!.rate])).toEqual([
      ['High', 0.672],
      ['Low', 0.0399],
      ['Normal', 0.1176],
    ]);
    expect(options.tariffs.get('lcl-std')!.blocks).toEqual([{ upTo: null, rate: 0.14228 }]);
    expect(parseBillingOptions(lclBillingConfig(lclDtouTariff(schedule), lclStdTariff())).assignment.default).toBe('lcl-dtou');
    // A band in the schedule without a price is named by validation.
    const unpriced = lclDtouTariff(schedule, { rates: { Normal: 0.1176 } });
    expect(() => parseBillingOptions(lclBillingConfig(unpriced, lclStdTariff()))).toThrow(/datedTou\.calendar\[1\]\.band: band "High" does not exist \(bands: Normal\)/);
  });
});

describe('npm run tariff:lcl (core/tariffs/lcl-tariff-cli.ts)', () => {
  const root = path.resolve(__dirname, '../../../..');
  const run = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(path.join(root, 'node_modules/.bin/tsx'), ['core/tariffs/lcl-tariff-cli.ts', ...args], { cwd: root, timeout: 60_000 }, (error, stdout, stderr) => {
        resolve({ code: error ? Number((error as { code?: number }).code) : 0, stdout, stderr });
      });
    });
  const dir = mkdtempSync(path.join(tmpdir(), 'mf-lcl-'));
  const schedule = path.join(dir, 'schedule.csv');
  writeFileSync(schedule, csv('2013-01-01 00:00:00,Normal', '2013-01-01 00:30:00,High', '2013-01-01 01:00:00,Normal'));

  it('writes a billing config for MF_BILLING_CONFIG_FILE and says what it converted', async () => {
    const out = path.join(dir, 'billing.json');
    const { code, stderr } = await run(['--meters', 'm-1,m-2', '--rates', 'High=0.5,Normal=0.1', '--out', out, schedule]);
    expect(code).toBe(0);
    expect(stderr).toContain('3 band changes from 2013-01-01T00:00:00Z to 2013-01-01T01:30:00Z');
    const config = JSON.parse(readFileSync(out, 'utf8')) as Parameters<typeof parseBillingOptions>[0];
    const options = parseBillingOptions(config);
    expect(options.assignment.meters).toEqual({ 'm-1': [{ from: '0000-01-01', tariffId: 'lcl-dtou' }], 'm-2': [{ from: '0000-01-01', tariffId: 'lcl-dtou' }] });
    expect(options.tariffs.get('lcl-dtou')!.datedTou!.bands.map((b) => b.blocks[0]!.rate)).toEqual([0.5, 0.1]);
  }, 60_000);

  it('prints only the tariff with --tariff-only; exits 1 naming the line of a bad schedule, 2 on bad usage', async () => {
    const tariffOnly = await run(['--tariff-only', schedule]);
    expect(tariffOnly.code).toBe(0);
    expect(JSON.parse(tariffOnly.stdout)).toMatchObject({ id: 'lcl-dtou', currency: 'GBP', datedTou: { defaultBand: 'Normal', calendarEnd: '2013-01-01T01:30:00Z' } });
    const bad = path.join(dir, 'bad.csv');
    writeFileSync(bad, csv('2013-01-01 00:00:00,Normal', '2013-01-01 00:10:00,High'));
    const refused = await run([bad]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('TARIFF_SCHEDULE_INVALID: bad.csv line 3: 2013-01-01 00:10:00 is not on the half-hour grid');
    const usage = await run(['--rates', 'High', schedule]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain('--rates: "High" is not band=price');
    expect((await run([])).code).toBe(2);
  }, 60_000);
});
