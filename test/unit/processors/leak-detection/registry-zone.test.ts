import type { Reading } from '../../../../core/contracts';
import { parseAlertRulesConfig } from '../../../../processors/alert-rules/rule-config';
import { createAlertsProcessor } from '../../../../processors/alerts/alerts-processor';
import { parseLeakConfig } from '../../../../processors/leak-detection';
import { createTestDriver } from '../../../../processors/runtime/test-driver';

// Night windows in the meter's own local time, from its registry record (GraphQL
// registerMeter timeZone), though the leak configuration's zone is UTC. Tokyo is UTC+9 all year:
// its 02:00–05:00 is 17:00–20:00 UTC. The flow runs at 3 L/min only then, two nights running.
const minute = 60_000;
const start = Date.parse('2026-06-01T00:00:00Z');
const readings: Reading[] = [];
for (let ts = start; ts < start + 2 * 86_400_000; ts += 15 * minute) {
  const utcHour = new Date(ts).getUTCHours();
  readings.push({ meterId: 'tk-1', kind: 'water', ts, value: utcHour >= 17 && utcHour < 20 ? 3 : 0, valueUnit: 'L/min', register: null, registerUnit: 'L', seq: null, sector: null, receivedAt: ts });
}
const nightFlowRows = (registry?: ReadonlyMap<string, { zone: string | null }>) => {
  const processor = createAlertsProcessor({ leak: parseLeakConfig({}), rules: parseAlertRulesConfig({}), ...(registry ? { registry } : {}) });
  const driver = createTestDriver(processor, { allowedLatenessMs: 0 });
  driver.pipe(...readings);
  return driver.rows.filter((r) => r.table === 'alerts' && r.symbols.rule === 'night-flow').map((r) => ({ state: r.symbols.state, startedAt: r.values.started_at, evidence: JSON.parse(r.values.evidence as string) as { timeZone: string; windowStart: number } }));
};

describe('night flow in the meter\'s registry zone', () => {
  it('opens in the Tokyo night when the registry says Tokyo', () => {
    const rows = nightFlowRows(new Map([['tk-1', { zone: 'Asia/Tokyo' }]]));
    const opened = rows.filter((r) => r.state === 'open');
    expect(opened.length).toBeGreaterThan(0);
    // The first window: 2 June 02:00 JST = 1 June 17:00 UTC.
    expect(opened[0]!.evidence).toMatchObject({ timeZone: 'Asia/Tokyo', windowStart: Date.parse('2026-06-01T17:00:00Z') });
  });

  it('stays quiet with the configuration\'s UTC night (02:00–05:00 UTC has no flow)', () => {
    expect(nightFlowRows()).toEqual([]);
    expect(nightFlowRows(new Map([['someone-else', { zone: 'Asia/Tokyo' }]]))).toEqual([]);
  });
});

describe('the silent-meter rule reads the registry\'s reporting interval through the alerts processor', () => {
  it('a meter registered for 15 min is silent 150 min after its last reading, though it reported hourly', () => {
    const hourly: Reading[] = Array.from({ length: 8 }, (_, h) => ({ ...readings[0]!, meterId: 'hr-1', ts: start + h * 3_600_000, receivedAt: start + h * 3_600_000 }));
    const silentAt = (registry?: ReadonlyMap<string, { zone: string | null; reportingIntervalS?: number | null }>) => {
      const processor = createAlertsProcessor({ leak: parseLeakConfig({}), rules: parseAlertRulesConfig({ rules: [{ id: 'silent', kind: 'silent-meter' }] }), ...(registry ? { registry } : {}) });
      const driver = createTestDriver(processor, { allowedLatenessMs: 0 });
      // Another meter's reading moves stream time 4 h past the last hourly one.
      driver.pipe(...hourly, { ...hourly[7]!, meterId: 'other', ts: hourly[7]!.ts + 4 * 3_600_000, receivedAt: hourly[7]!.ts + 30 * 3_600_000 });
      return driver.rows.filter((r) => r.table === 'alerts' && r.symbols.meter_id === 'hr-1' && r.symbols.state === 'open').map((r) => (r.ts - hourly[7]!.ts) / 60_000);
    };
    expect(silentAt(new Map([['hr-1', { zone: null, reportingIntervalS: 900 }]]))).toContain(150);
    // Learned from its hourly rhythm alone: 600 min, beyond the 4 h of stream time here.
    expect(silentAt().filter((m) => m > 60)).toEqual([]);
  });
});
