import { createBillingEngine, type BillingEngine } from '../../../../processors/billing/billing-state';
import type { Invoice } from '../../../../processors/billing/invoice';
import { createRandom } from '../../../../core/seeded-random';
import { fromLocal } from '../../../../core/time/local-time';
import { sabesp2017 } from '../../../fixtures/billing/sabesp-tariffs';

// Whatever order a meter's readings arrive in, and however often stream time advances between
// them, what each period is billed in the end (final + adjustments) is what the same readings
// billed at once give. Registers with glitches (excluded decreases) and late readings are where
// a change must reach back past the previous point to the last accepted value (changeReach), and
// where the billing engine skips that walk when a known accepted point lies after every closed
// period: a skip too many would leave a closed period short. Random histories, seeded.
const day = 86_400_000;
const SP = 'America/Sao_Paulo';
const engineOf = (): BillingEngine => createBillingEngine({ tariffs: [sabesp2017], assignment: { default: 'sabesp-res-2017' }, graceMs: 3 * day });
const newState = (engine: BillingEngine) => engine.createMeterState({ meterId: 'w-1', zone: SP, registerUnit: 'L' });

/** Per period label: consumption billed in the end (final plus adjustments, each rounded to 3 decimals), to the litre. */
function billedPerPeriod(invoices: Invoice[]): Record<string, number> {
  const sums: Record<string, number> = {};
  for (const i of invoices) if (i.status !== 'provisional') sums[i.periodLabel] = (sums[i.periodLabel] ?? 0) + i.consumption;
  return Object.fromEntries(Object.entries(sums).map(([label, litres]) => [label, Math.round(litres)]));
}

/**
 * Three months of a register read every 6 h: mostly increases, missed reads, single glitches far
 * below, and runs of glitches lasting up to a week (a faulty radio), so a step often starts in one
 * period and ends in the next behind excluded values.
 */
function history(random: () => number): Array<[number, number]> {
  const start = fromLocal(SP, 2017, 3, 1);
  const rows: Array<[number, number]> = [];
  let register = 100_000;
  let glitches = 0;
  for (let t = start; t < start + 95 * day; t += 6 * 3_600_000) {
    register += Math.floor(random() * 300);
    if (glitches === 0 && random() < 0.03) glitches = 1 + Math.floor(random() * 28);
    if (random() < 0.1) continue; // a missed read
    const glitch = glitches > 0 || random() < 0.05;
    if (glitches > 0) glitches -= 1;
    rows.push([t, glitch ? register - 5_000 - Math.floor(random() * 5_000) : register]);
  }
  return rows;
}

describe('billing does not depend on arrival order (random histories with glitches)', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12])('seed %i: shuffled arrival with stream time advancing gives the same bills as all at once', (seed) => {
    const random = createRandom(seed);
    const rows = history(random);
    const end = rows.at(-1)![0] + 40 * day;

    const once = engineOf();
    const reference = newState(once);
    for (const [ts, litres] of rows) once.applyReading(reference, { meterId: 'w-1', ts, register: litres, registerUnit: 'L', receivedAt: ts });
    const expected = billedPerPeriod(once.advanceWatermark(reference, end));

    // Mostly in order, a fifth of the readings held back and delivered late; stream time follows
    // the latest reading seen, so periods close before their late readings arrive.
    const engine = engineOf();
    const state = newState(engine);
    const late: Array<[number, number]> = [];
    const emitted: Invoice[] = [];
    let clock = -Infinity;
    for (const row of rows) {
      if (random() < 0.2) late.push(row);
      else {
        engine.applyReading(state, { meterId: 'w-1', ts: row[0], register: row[1], registerUnit: 'L', receivedAt: row[0] });
        clock = Math.max(clock, row[0]);
        emitted.push(...engine.advanceWatermark(state, clock));
      }
      if (late.length > 0 && random() < 0.15) {
        const [ts, litres] = late.splice(Math.floor(random() * late.length), 1)[0]!;
        engine.applyReading(state, { meterId: 'w-1', ts, register: litres, registerUnit: 'L', receivedAt: clock });
        emitted.push(...engine.advanceWatermark(state, clock));
      }
    }
    for (const [ts, litres] of late) {
      engine.applyReading(state, { meterId: 'w-1', ts, register: litres, registerUnit: 'L', receivedAt: clock });
      emitted.push(...engine.advanceWatermark(state, clock));
    }
    emitted.push(...engine.advanceWatermark(state, end));
    expect(billedPerPeriod(emitted)).toEqual(expected);
  });
});
