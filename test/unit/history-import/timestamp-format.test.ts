import { compileTimestampFormat } from '../../../history-import/timestamp-format';

// Expected instants worked out by hand from the zones' published rules (Madrid: CET +01:00,
// CEST +02:00 from the last Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC).
describe('compileTimestampFormat', () => {
  const daiad = compileTimestampFormat('dd/mm/yyyy HH:MM:SS', 'Europe/Madrid')!;

  it('reads a local pattern in the zone, winter and summer', () => {
    expect(daiad('01/03/2016 00:28:55')).toBe(Date.UTC(2016, 1, 29, 23, 28, 55));
    expect(daiad('15/07/2016 12:00:00')).toBe(Date.UTC(2016, 6, 15, 10, 0, 0));
  });

  it('moves a time skipped by the spring jump forward, and reads a fall-back time as its first occurrence', () => {
    // 27/03/2016 02:30 does not exist in Madrid (02:00 → 03:00): read as 03:30 CEST = 01:30Z.
    expect(daiad('27/03/2016 02:30:00')).toBe(Date.UTC(2016, 2, 27, 1, 30));
    // 30/10/2016 02:30 exists twice (CEST then CET): the first is 00:30Z.
    expect(daiad('30/10/2016 02:30:00')).toBe(Date.UTC(2016, 9, 30, 0, 30));
  });

  it('refuses texts that are not of the pattern or not a real date', () => {
    for (const text of ['2016-03-01 00:00:00', '31/02/2016 00:00:00', '01/13/2016 00:00:00', '01/03/2016 24:00:00', '01/03/2016 00:60:00', '', 'Null']) expect(daiad(text)).toBeNull();
  });

  it('iso: an offset makes the instant absolute; without one the text is local time in the zone', () => {
    const iso = compileTimestampFormat('iso', 'America/Sao_Paulo')!;
    expect(iso('2024-06-15T13:30:00+02:00')).toBe(Date.UTC(2024, 5, 15, 11, 30));
    expect(iso('2024-06-15T11:30:00Z')).toBe(Date.UTC(2024, 5, 15, 11, 30));
    // São Paulo is -03:00 (no DST since 2019).
    expect(iso('2024-06-15 08:30:00')).toBe(Date.UTC(2024, 5, 15, 11, 30));
    expect(iso('2024-06-15T08:30')).toBe(Date.UTC(2024, 5, 15, 11, 30));
    expect(iso('15/06/2024')).toBeNull();
  });

  it('epoch-ms and epoch-s take integers only', () => {
    expect(compileTimestampFormat('epoch-ms', 'UTC')!('1718451000000')).toBe(1_718_451_000_000);
    expect(compileTimestampFormat('epoch-s', 'UTC')!(' 1718451000 ')).toBe(1_718_451_000_000);
    expect(compileTimestampFormat('epoch-s', 'UTC')!('1718451000.5')).toBeNull();
    expect(compileTimestampFormat('epoch-ms', 'UTC')!('1e12')).toBeNull();
  });

  it('a pattern must name year, month and day once each', () => {
    expect(compileTimestampFormat('HH:MM', 'UTC')).toBeNull();
    expect(compileTimestampFormat('dd/mm/yyyy dd', 'UTC')).toBeNull();
    expect(compileTimestampFormat('yyyymmdd', 'UTC')!('20240615')).toBe(Date.UTC(2024, 5, 15));
  });
});
