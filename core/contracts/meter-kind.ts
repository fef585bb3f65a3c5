/** The kinds of meter meterflow knows, with the units a reading of each kind is in by default. */
export const meterKinds = ['water', 'electricity', 'gas', 'temperature', 'generic'] as const;

export type MeterKind = (typeof meterKinds)[number];

export interface KindUnits {
  /** Unit of the instantaneous value (a rate, or a level for temperature). */
  value: string;
  /** Unit of the cumulative register; null where a register makes no sense. */
  register: string | null;
}

export const defaultUnits: Readonly<Record<MeterKind, KindUnits>> = Object.freeze({
  water: { value: 'L/min', register: 'L' },
  electricity: { value: 'kW', register: 'kWh' },
  gas: { value: 'm3/h', register: 'm3' },
  temperature: { value: 'degC', register: null },
  generic: { value: '', register: '' },
});

export function isMeterKind(value: unknown): value is MeterKind {
  return typeof value === 'string' && (meterKinds as readonly string[]).includes(value);
}
