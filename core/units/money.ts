/**
 * Money is carried in integer minor units (cents). Rates and quantities are floating point,
 * so every product is rounded once, at the line: half-up (half away from zero) to the cent,
 * after snapping the float to 1e-6 cent so that binary noise (2.695 stored as
 * 2.69499999…) cannot move a half cent the wrong way.
 */

/** `x` rounded half away from zero to `decimals` places, float noise below 1e-6 of the last place removed first. */
export function roundHalfUp(x: number, decimals: number): number {
  const f = 10 ** decimals;
  const scaled = Math.round(x * f * 1e6) / 1e6;
  return (Math.sign(scaled) * Math.floor(Math.abs(scaled) + 0.5)) / f;
}

/** An amount in major units (R$, $) to integer cents, rounded half-up. */
export function toCents(major: number): number {
  return roundHalfUp(major * 100, 0) + 0; // + 0 turns -0 into 0
}

/** `quantity × rate` (rate in major units per unit) in integer cents, rounded half-up. */
export function lineAmountCents(quantity: number, rate: number): number {
  return toCents(quantity * rate);
}

/** Quantities on invoice lines have 3 decimals (1 L in m³, 1 Wh in kWh). */
export const quantityDecimals = 3;

export function roundQuantity(q: number): number {
  return roundHalfUp(q, quantityDecimals) + 0;
}

/** 12345 → "123.45" (for descriptions and logs; amounts stay integers everywhere else). */
export function formatCents(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}
