import { resolveImportMapping } from '../../../history-import/import-mapping';
import { createHistoryPlan } from '../../../history-import/history-plan';

const receivedAt = Date.UTC(2026, 11, 1);
const source = (line: number) => ({ file: 'f.csv', line });
const h = 3_600_000;

describe('createHistoryPlan', () => {
  it('sorts each meter by event time whatever the row order, the later row winning an instant', () => {
    const plan = createHistoryPlan(resolveImportMapping({ preset: 'daiad' }));
    const t0 = Date.UTC(2016, 2, 1);
    plan.add({ meterId: 'b', ts: t0 + 2 * h, register: 30 }, source(2));
    plan.add({ meterId: 'a', ts: t0 + h, register: 11 }, source(3));
    plan.add({ meterId: 'b', ts: t0, register: 10 }, source(4));
    plan.add({ meterId: 'a', ts: t0 + h, register: 12 }, source(5)); // replaces line 3
    plan.add({ meterId: 'b', ts: t0, register: 10 }, source(6)); // an identical copy of line 4
    const { meters, refused } = plan.build(receivedAt, { maxFutureMs: 600_000 });
    expect(refused).toEqual([]);
    expect([...meters.keys()]).toEqual(['a', 'b']);
    expect(meters.get('a')!.map((p) => [p.reading.ts, p.reading.register, p.source.line])).toEqual([[t0 + h, 12, 5]]);
    expect(meters.get('b')!.map((p) => [p.reading.ts, p.reading.register])).toEqual([[t0, 10], [t0 + 2 * h, 30]]);
    expect(meters.get('b')![0]!.reading).toMatchObject({ kind: 'water', registerUnit: 'L', receivedAt });
    expect(plan.counts()).toEqual({ rows: 5, identicalCopies: 1, superseded: 1 });
  });

  it('validates as the bridge does, but takes readings of any age', () => {
    const plan = createHistoryPlan(resolveImportMapping({ preset: 'daiad' }));
    plan.add({ meterId: 'old', ts: Date.UTC(1995, 0, 1), register: 1 }, source(2));
    plan.add({ meterId: 'neg', ts: Date.UTC(2016, 0, 1), register: -1 }, source(3));
    plan.add({ meterId: 'bad id', ts: Date.UTC(2016, 0, 1), register: 1 }, source(4));
    plan.add({ meterId: 'future', ts: receivedAt + 3_600_000, register: 1 }, source(5));
    const { meters, refused } = plan.build(receivedAt, { maxFutureMs: 600_000 });
    expect([...meters.keys()]).toEqual(['old']);
    // Refusals come meter by meter in id order: "bad id" < "future" < "neg".
    expect(refused.map((r) => [r.source.line, r.reason])).toEqual([
      [4, 'INVALID_METER_ID'],
      [5, 'TIMESTAMP_OUT_OF_RANGE'],
      [3, 'VALUE_OUT_OF_RANGE'],
    ]);
  });

  it('turns half-hourly kWh into a register from 0 and an average power, spreading nothing over a gap', () => {
    // Hand-worked: 0.09 kWh in 13:00-13:30 is 0.18 kW; 0.16 kWh in 13:30-14:00 is 0.32 kW; the
    // 14:00 and 14:30 intervals are missing; 0.2 kWh in 15:00-15:30 is 0.4 kW. Register 0 at 13:00,
    // 0.09 at 13:30, 0.25 at 14:00, still 0.25 at 15:00 (start after the gap), 0.45 at 15:30.
    const plan = createHistoryPlan(resolveImportMapping({ preset: 'lcl' }));
    const t = (hh: number, mm: number) => Date.UTC(2012, 9, 17, hh, mm);
    plan.add({ meterId: 'MAC1', ts: t(15, 0), interval: 0.2 }, source(4));
    plan.add({ meterId: 'MAC1', ts: t(13, 0), interval: 0.09 }, source(2));
    plan.add({ meterId: 'MAC1', ts: t(13, 30), interval: 0.16 }, source(3));
    const { meters } = plan.build(receivedAt, { maxFutureMs: 600_000 });
    expect(meters.get('MAC1')!.map((p) => [p.reading.ts, p.reading.register, p.reading.value])).toEqual([
      [t(13, 0), 0, null],
      [t(13, 30), 0.09, 0.18],
      [t(14, 0), 0.25, 0.32],
      [t(15, 0), 0.25, null],
      [t(15, 30), 0.45, 0.4],
    ]);
    expect(meters.get('MAC1')![0]!.reading).toMatchObject({ kind: 'electricity', registerUnit: 'kWh', valueUnit: 'kW' });
  });
});
