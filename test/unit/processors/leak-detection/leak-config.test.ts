import { isMeterflowError } from '../../../../core/errors';
import { burstThresholdLpm, defaultLeakSettings, nightWindowAfter, parseLeakConfig, resolveLeakSettings } from '../../../../processors/leak-detection';

describe('leak config', () => {
  it('has the documented defaults (docs/leak-detection-and-alerts.md)', () => {
    const s = parseLeakConfig().defaults;
    expect(s).toEqual(defaultLeakSettings);
    expect(s.continuousFlow).toMatchObject({ windowHours: 24, quietMinutes: 60 });
    expect(s.nightFlow).toMatchObject({ startHour: 2, endHour: 5 });
    expect(s.burst.minDurationMinutes).toBe(30);
    expect(s.timeZone).toBe('UTC');
    // 10 % of 2.5 m³/h = 250 L/h = 4.1667 L/min.
    expect(burstThresholdLpm(s)).toBeCloseTo(250 / 60, 10);
  });

  it('layers defaults ← sector ← meter', () => {
    const config = parseLeakConfig({
      defaults: { nightFlow: { thresholdLpm: 0.2 } },
      sectors: { north: { timeZone: 'Europe/Lisbon', burst: { fractionOfQ3: 0.2 } } },
      meters: { m7: { burst: { q3M3h: 4 } } },
    });
    const m7 = resolveLeakSettings(config, 'm7', 'north');
    expect(m7.timeZone).toBe('Europe/Lisbon');
    expect(m7.nightFlow).toMatchObject({ thresholdLpm: 0.2, startHour: 2 });
    // 20 % of 4 m³/h = 800 L/h = 13.333 L/min.
    expect(burstThresholdLpm(m7)).toBeCloseTo(800 / 60, 10);
    const other = resolveLeakSettings(config, 'm8', 'south');
    expect(other.timeZone).toBe('UTC');
    expect(burstThresholdLpm(other)).toBeCloseTo(250 / 60, 10);
  });

  it('puts the meter\'s registry zone above its sector\'s, and a meter override of the configuration above both', () => {
    const config = parseLeakConfig({ sectors: { north: { timeZone: 'Europe/Lisbon' } }, meters: { m9: { timeZone: 'America/Recife' } } });
    expect(resolveLeakSettings(config, 'm7', 'north', 'Asia/Tokyo').timeZone).toBe('Asia/Tokyo');
    expect(resolveLeakSettings(config, 'm7', 'north', null).timeZone).toBe('Europe/Lisbon');
    expect(resolveLeakSettings(config, 'm9', 'north', 'Asia/Tokyo').timeZone).toBe('America/Recife');
    // Memoised per zone: asking again with another zone is not served from the first answer.
    expect(resolveLeakSettings(config, 'm7', 'north', 'Europe/Madrid').timeZone).toBe('Europe/Madrid');
  });

  it('refuses bad fields once, naming them', () => {
    const fail = (input: unknown) => {
      try {
        parseLeakConfig(input);
      } catch (e) {
        expect(isMeterflowError(e, 'ALERT_CONFIG_INVALID')).toBe(true);
        return (e as Error).message;
      }
      throw new Error('accepted');
    };
    expect(fail({ meters: { 'm-7': { nightFlow: { endHour: 25 } } } })).toMatch(/leak\.meters\.m-7\.nightFlow\.endHour/);
    expect(fail({ sectors: { s1: { timeZone: 'Mars/Base' } } })).toMatch(/leak\.sectors\.s1\.timeZone: "Mars\/Base" is not an IANA time zone/);
    expect(fail({ defaults: { burst: { treshold: 3 } } })).toMatch(/leak\.defaults\.burst.*treshold/);
    expect(fail({ meters: { m1: { nightFlow: { startHour: 5 } } } })).toMatch(/leak\.meters\.m1\.nightFlow\.endHour: startHour and endHour must differ/);
  });

  it('computes night windows in local time (Lisbon falls back on 2026-10-25)', () => {
    // 24 Oct (WEST, UTC+1): 02:00–05:00 local = 01:00Z–04:00Z. 25 Oct, after 02:00 WEST → 01:00 WET: 02:00Z–05:00Z.
    const w1 = nightWindowAfter(Date.parse('2026-10-23T12:00:00Z'), 'Europe/Lisbon', 2, 5);
    expect([new Date(w1.start).toISOString(), new Date(w1.end).toISOString()]).toEqual(['2026-10-24T01:00:00.000Z', '2026-10-24T04:00:00.000Z']);
    const w2 = nightWindowAfter(w1.end, 'Europe/Lisbon', 2, 5);
    expect([new Date(w2.start).toISOString(), new Date(w2.end).toISOString()]).toEqual(['2026-10-25T02:00:00.000Z', '2026-10-25T05:00:00.000Z']);
    // A window across midnight, 23:00–04:00 UTC, asked from inside it.
    const w3 = nightWindowAfter(Date.parse('2026-01-05T01:00:00Z'), 'UTC', 23, 4);
    expect([new Date(w3.start).toISOString(), new Date(w3.end).toISOString()]).toEqual(['2026-01-04T23:00:00.000Z', '2026-01-05T04:00:00.000Z']);
  });
});
