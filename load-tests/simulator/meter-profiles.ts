import type { MeterKind, WireReading } from '../../core/contracts';

/** A simulated meter: it knows its register and draws its next instantaneous value. */
export interface SimulatedMeter {
  meterId: string;
  kind: MeterKind;
  sector: string;
  /** A blocked meter's valve (or relay) is shut: it reports zero flow (power) and its register stands still. */
  blocked: boolean;
  /** The next reading at event time `ts` (epoch ms), `intervalMs` after the previous one. */
  next(ts: number, intervalMs: number): WireReading;
}

/** `temperature`: fridge thermometers (temperature-profile.ts). */
export type ProfileName = 'water' | 'electricity' | 'mixed' | 'temperature';

const round3 = (x: number) => Math.round(x * 1000) / 1000;

/** Household water use: little at night, peaks in the morning and evening; flow in L/min, register in L. */
function waterFlow(hour: number, random: () => number): number {
  const peak = (hour >= 6 && hour < 9) || (hour >= 18 && hour < 22);
  const probability = peak ? 0.5 : hour < 5 ? 0.03 : 0.15;
  return random() < probability ? 2 + random() * (peak ? 12 : 6) : 0;
}

/** Household power: a standby base load plus appliance peaks; power in kW, register in kWh. */
function electricPower(hour: number, random: () => number): number {
  const base = 0.15 + random() * 0.1;
  const evening = hour >= 17 && hour < 23 ? 1.2 : 0.3;
  return base + (random() < 0.3 ? random() * evening * 2 : 0);
}

export function createSimulatedMeter(meterId: string, kind: 'water' | 'electricity', sector: string, random: () => number): SimulatedMeter {
  let register = Math.floor(random() * (kind === 'water' ? 500_000 : 20_000));
  let seq = 0;
  return {
    meterId,
    kind,
    sector,
    blocked: false,
    next(ts, intervalMs) {
      const hour = new Date(ts).getUTCHours();
      const drawn = round3(kind === 'water' ? waterFlow(hour, random) : electricPower(hour, random));
      const value = this.blocked ? 0 : drawn;
      // A register only grows: it integrates the instantaneous value over the interval.
      register = round3(register + (kind === 'water' ? (value * intervalMs) / 60_000 : (value * intervalMs) / 3_600_000));
      seq += 1;
      return { kind, ts, value, register, seq, sector };
    },
  };
}
