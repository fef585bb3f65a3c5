import { checkTimeZone, fromLocal, localParts, startOfLocalDay, startOfLocalMonth } from '../../../../core/time/local-time';

const iso = (ts: number) => new Date(ts).toISOString();

describe('local time (DST-correct, Intl only)', () => {
  it('reads the wall clock in a zone', () => {
    // 2026-03-29 01:30 UTC is 02:30 in Lisbon after the jump (WEST, UTC+1), a Sunday.
    expect(localParts(Date.parse('2026-03-29T01:30:00Z'), 'Europe/Lisbon')).toEqual({ year: 2026, month: 3, day: 29, hour: 2, minute: 30, second: 0, weekday: 0 });
    expect(localParts(Date.parse('2026-01-15T02:00:00Z'), 'America/Sao_Paulo')).toMatchObject({ day: 14, hour: 23 });
  });

  it('maps local midnights to UTC on both sides of a DST change (hand-checked offsets)', () => {
    // New York: EST (UTC-5) until 2026-03-08 02:00, then EDT (UTC-4).
    expect(iso(fromLocal('America/New_York', 2026, 3, 1))).toBe('2026-03-01T05:00:00.000Z');
    expect(iso(fromLocal('America/New_York', 2026, 4, 1))).toBe('2026-04-01T04:00:00.000Z');
    // Billing month March in New York is 31 days minus the skipped hour: 743 h.
    expect((fromLocal('America/New_York', 2026, 4, 1) - fromLocal('America/New_York', 2026, 3, 1)) / 3_600_000).toBe(743);
    // Month overflow: month 13 is January of the next year.
    expect(iso(fromLocal('Europe/Lisbon', 2026, 13, 1))).toBe('2027-01-01T00:00:00.000Z');
  });

  it('resolves skipped and repeated wall times', () => {
    // 02:30 does not exist in New York on 2026-03-08 (02:00 EST jumps to 03:00 EDT): it becomes 03:30 EDT.
    expect(iso(fromLocal('America/New_York', 2026, 3, 8, 2, 30))).toBe('2026-03-08T07:30:00.000Z');
    expect(iso(fromLocal('America/New_York', 2026, 3, 8, 2))).toBe('2026-03-08T07:00:00.000Z');
    // 01:30 happens twice on 2026-11-01 (EDT, then EST): the earlier one is taken.
    expect(iso(fromLocal('America/New_York', 2026, 11, 1, 1, 30))).toBe('2026-11-01T05:30:00.000Z');
  });

  it('finds the start of the local day and month', () => {
    const ts = Date.parse('2026-10-25T12:00:00Z'); // Lisbon falls back to UTC+0 at 02:00 that day
    expect(iso(startOfLocalDay(ts, 'Europe/Lisbon'))).toBe('2026-10-24T23:00:00.000Z');
    expect(iso(startOfLocalMonth(ts, 'Europe/Lisbon'))).toBe('2026-09-30T23:00:00.000Z');
    expect(iso(startOfLocalMonth(Date.parse('2026-02-01T02:00:00Z'), 'America/Sao_Paulo'))).toBe('2026-01-01T03:00:00.000Z');
  });

  it('agrees with Intl at every instant, also in hours where the offset changes (per-hour offset cache)', () => {
    // The oracle: Intl's own formatting, with a formatter made here.
    const formats = new Map<string, Intl.DateTimeFormat>();
    const oracle = (ts: number, zone: string) => {
      if (!formats.has(zone)) formats.set(zone, new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric', weekday: 'short' }));
      const f = formats.get(zone)!;
      const p = Object.fromEntries(f.formatToParts(new Date(ts)).map((x) => [x.type, x.value]));
      return { year: Number(p.year), month: Number(p.month), day: Number(p.day), hour: Number(p.hour), minute: Number(p.minute), second: Number(p.second), weekday: ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(p.weekday!) };
    };
    // Half-hour and 45-minute offsets and DST shifts (Lord Howe moves 30 min; Chatham is +12:45/+13:45).
    const zones = ['Europe/Lisbon', 'America/New_York', 'America/Sao_Paulo', 'Asia/Kathmandu', 'Australia/Lord_Howe', 'Pacific/Chatham', 'Asia/Kolkata', 'UTC'];
    let seed = 7;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648);
    const instants: number[] = [];
    // Every 11 minutes (and odd seconds) through 2026: several instants in every hour, so on both sides of every DST change of these zones.
    for (let ts = Date.parse('2026-01-01T00:00:00Z'); ts < Date.parse('2027-01-01T00:00:00Z'); ts += 11 * 60_000 + 13_000) instants.push(ts);
    // Random instants over 150 years, out of order (the cache must not depend on the order of calls).
    for (let i = 0; i < 3000; i += 1) instants.push(Math.floor(Date.parse('1950-01-01T00:00:00Z') + random() * 150 * 365.25 * 86_400_000));
    let checked = 0;
    for (const zone of zones) {
      for (const ts of instants) {
        const got = localParts(ts, zone);
        const want = oracle(ts, zone);
        if (JSON.stringify(got) !== JSON.stringify(want)) expect({ zone, ts: iso(ts), got }).toEqual({ zone, ts: iso(ts), got: want });
        checked += 1;
      }
    }
    expect(checked).toBeGreaterThan(100_000);
  });

  it('refuses an unknown zone by name', () => {
    expect(() => checkTimeZone('Mars/Olympus_Mons')).toThrow(/"Mars\/Olympus_Mons" is not an IANA time zone/);
    expect(checkTimeZone('UTC')).toBe('UTC');
  });
});
