/**
 * Register units and the factors between them. Readings carry the device's register unit
 * (water in L by default) while tariffs price another (SABESP tiers are in m³), so every
 * conversion is explicit and an unknown pair is refused instead of guessed.
 */
const toBase: Record<string, { dimension: 'volume' | 'energy'; factor: number }> = {
  L: { dimension: 'volume', factor: 0.001 },
  l: { dimension: 'volume', factor: 0.001 },
  m3: { dimension: 'volume', factor: 1 },
  'm³': { dimension: 'volume', factor: 1 },
  Wh: { dimension: 'energy', factor: 0.001 },
  kWh: { dimension: 'energy', factor: 1 },
  MWh: { dimension: 'energy', factor: 1000 },
};

/** The factor that turns a quantity in `from` into one in `to`, or null when they do not convert. */
export function unitFactor(from: string, to: string): number | null {
  if (from === to) return 1;
  const a = toBase[from];
  const b = toBase[to];
  if (!a || !b || a.dimension !== b.dimension) return null;
  return a.factor / b.factor;
}

export function knownUnits(): string[] {
  return Object.keys(toBase);
}

/** The dimension a unit measures, or null when the unit is unknown. */
export function unitDimension(unit: string): 'volume' | 'energy' | null {
  return toBase[unit]?.dimension ?? null;
}
