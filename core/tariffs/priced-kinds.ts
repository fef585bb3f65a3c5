import { defaultUnits, meterKinds, type MeterKind } from '../contracts';
import { unitFactor } from '../units/units';
import type { Tariff } from './tariff';

/** Whether a tariff prices what a meter of this kind registers (its register unit or a multiple of it). */
export function pricesKind(tariff: Pick<Tariff, 'unit'>, kind: MeterKind): boolean {
  const unit = defaultUnits[kind].register;
  return Boolean(unit) && unitFactor(unit!, tariff.unit) !== null;
}

/** The meter kinds a tariff can bill: the API lists them and refuses an assignment to any other. */
export function kindsPricedBy(tariff: Pick<Tariff, 'unit'>): MeterKind[] {
  return meterKinds.filter((kind) => pricesKind(tariff, kind));
}
