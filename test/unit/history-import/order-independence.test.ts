import * as path from 'node:path';
import type { Reading } from '../../../core/contracts';
import { defaultBillingConfig } from '../../../core/tariffs/default-billing-config';
import { createHistoryPlan } from '../../../history-import/history-plan';
import { resolveImportMapping } from '../../../history-import/import-mapping';
import { readHistoryFile } from '../../../history-import/read-history-file';
import { createAlertsProcessor } from '../../../processors/alerts/alerts-processor';
import { parseAlertRulesConfig } from '../../../processors/alert-rules/rule-config';
import { createBillingProcessor } from '../../../processors/billing/billing-processor';
import { createBillingEngine } from '../../../processors/billing/billing-state';
import { parseLeakConfig } from '../../../processors/leak-detection/leak-config';
import { createRollingAverages } from '../../../processors/rolling-averages/rolling-averages';
import { parseSlidingWindows, parseTumblingWindows } from '../../../processors/rolling-averages/window-specs';
import type { KeyedProcessor } from '../../../processors/runtime/keyed-processor';
import { eventKey } from '../../../processors/runtime/processor-event';
import { createTestDriver } from '../../../processors/runtime/test-driver';

// docs/import.md: a meter's results come from its own readings only, so how an import
// interleaves meters cannot change them. Real DAIAD history (two months of the six-meter
// fixture, read with the import's own reader) through the three processors with their default
// options, in three interleavings of the same per-meter sequences; every meter's results
// (invoices, rolling averages, alerts) must be the same events in the same order.
const fixture = path.resolve(__dirname, '../../fixtures/daiad/swm_trialA_6meters.csv.gz');
const until = Date.UTC(2016, 4, 1);
const receivedAt = Date.UTC(2026, 11, 1);

async function perMeterHistory(): Promise<Reading[][]> {
  const mapping = resolveImportMapping({ preset: 'daiad' });
  const plan = createHistoryPlan(mapping);
  await readHistoryFile(fixture, mapping, plan);
  const { meters } = plan.build(receivedAt, { maxFutureMs: 600_000 });
  // Two months: enough for final bills, fast enough for a unit test.
  return [...meters.values()].map((planned) => planned.map((p) => p.reading).filter((r) => r.ts < until));
}

function resultsPerMeter(readings: Reading[]): Map<string, string[]> {
  const zone = 'Europe/Madrid';
  const rules = parseAlertRulesConfig({});
  const processors = [
    createRollingAverages({ sliding: parseSlidingWindows('15m/5m,1h/15m,24h/1h'), tumbling: parseTumblingWindows('1m,1h,1d'), timeZone: zone }),
    createAlertsProcessor({ leak: parseLeakConfig({}), rules }),
    createBillingProcessor({ engine: createBillingEngine(defaultBillingConfig), kinds: ['water'], timeZone: zone, provisionalIntervalMs: 3_600_000, rules }),
  ] as KeyedProcessor<unknown>[];
  // Ticks of other meters, a day later on the receive clock and 20 days after the history:
  // the history's meters go idle and their last periods close.
  const ticks = Array.from({ length: 20 }, (_, k): Reading => ({ meterId: `tick-${k}`, kind: 'water', ts: until + 20 * 86_400_000, value: 0, valueUnit: 'L/min', register: null, registerUnit: 'L', seq: null, sector: null, receivedAt: receivedAt + 86_400_000 }));
  const out = new Map<string, string[]>();
  for (const processor of processors) {
    const driver = createTestDriver(processor, { allowedLatenessMs: 120_000 });
    for (let i = 0; i < readings.length; i += 1000) driver.pipe(...readings.slice(i, i + 1000));
    driver.pipe(...ticks);
    for (const event of driver.events) {
      const key = eventKey(event);
      if (key.startsWith('tick-') || key === 'all') continue;
      out.set(key, [...(out.get(key) ?? []), JSON.stringify(event)]);
    }
  }
  return out;
}

describe('import order does not change any meter\'s results', () => {
  it('meter by meter, in reverse, and all meters interleaved in time give the same results per meter', async () => {
    const history = await perMeterHistory();
    expect(history).toHaveLength(6);
    const byMeter = resultsPerMeter(history.flat());
    const reversed = resultsPerMeter([...history].reverse().flat());
    const interleaved = resultsPerMeter(history.flat().sort((a, b) => a.ts - b.ts || (a.meterId < b.meterId ? -1 : 1)));
    // Something to compare: every meter has its March final bill and rolling averages.
    expect(byMeter.size).toBe(6);
    for (const results of byMeter.values()) {
      expect(results.some((e) => e.includes('"status":"final"') && e.includes('2016-03-01'))).toBe(true);
      expect(results.some((e) => e.includes('"kind":"rolling-average"'))).toBe(true);
    }
    expect(reversed).toEqual(byMeter);
    expect(interleaved).toEqual(byMeter);
  }, 120_000);
});
