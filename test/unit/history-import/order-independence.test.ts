import * as path from 'node:path';
import type { Reading } from '../../../core/contracts';
import { defaultBillingConfig } from '../../../core/tariffs/default-billing-config';
import { openFileLines } from '../../../history-import/file-lines';
import { createHistoryPlan } from '../../../history-import/history-plan';
import { resolveImportMapping } from '../../../history-import/import-mapping';
import { createRowReader } from '../../../history-import/row-reader';
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
  const reader = createRowReader(mapping);
  const plan = createHistoryPlan(mapping);
  const lines = await openFileLines(fixture);
  for await (const line of lines.lines) {
    if (line.number === 1) reader.readHeader(line.text);
    else {
      const outcome = reader.read(line.text);
      if ('row' in outcome && outcome.row.ts < until) plan.add(outcome.row, { file: 'f', line: line.number });
    }
  }
  return [...plan.build(receivedAt, { maxFutureMs: 600_000 }).meters.values()].map((planned) => planned.map((p) => p.reading));
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
