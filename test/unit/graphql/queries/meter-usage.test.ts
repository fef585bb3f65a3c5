import { summarizeUsage, topByConsumption, type MeterUsage } from '../../../../graphql/schema/analytics/meter-usage';
import { sqlString, sqlStringList } from '../../../../graphql/schema/analytics/sql-literals';

const u = (meterId: string, consumption: number | null, registerUnit: string, valueSum: number, valueCount: number, valueUnit: string): MeterUsage => ({
  meterId, readings: valueCount, valueCount, valueSum, valueUnit, consumption, registerUnit,
});

describe('fleet usage', () => {
  const usage = [u('w1', 120, 'L', 30, 10, 'L/min'), u('w2', 80.5, 'L', 10, 10, 'L/min'), u('e1', 3, 'kWh', 20, 5, 'kW'), u('t1', null, 'L', 0, 0, 'L/min')];

  it('sums consumption per unit and weighs each reading equally in the mean (hand-worked)', () => {
    expect(summarizeUsage(usage)).toEqual({
      consumption: [{ unit: 'kWh', amount: 3, meters: 1 }, { unit: 'L', amount: 200.5, meters: 2 }],
      // L/min: (30 + 10) / 20 = 2; kW: 20 / 5 = 4.
      meanValue: [{ unit: 'kW', amount: 4, meters: 1 }, { unit: 'L/min', amount: 2, meters: 2 }],
    });
  });

  it('ranks by consumption, ties by id, skips meters without a register', () => {
    expect(topByConsumption([...usage, u('w0', 80.5, 'L', 0, 0, 'L/min')], 10).map((x) => x.meterId)).toEqual(['w1', 'w0', 'w2', 'e1']);
    expect(topByConsumption(usage, 1).map((x) => x.meterId)).toEqual(['w1']);
  });

  it('quotes SQL literals by doubling quotes', () => {
    expect(sqlString("o'brien")).toBe("'o''brien'");
    expect(sqlStringList(['a/1', 'b'])).toBe("('a/1','b')");
    expect(sqlStringList([])).toBe('(NULL)');
  });
});
