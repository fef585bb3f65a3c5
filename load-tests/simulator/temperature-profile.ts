import type { WireReading } from '../../core/contracts';
import type { SimulatedMeter } from './meter-profiles';

/** Options of a simulated fridge thermometer. */
export interface FridgeOptions {
  /** Event time from which the cooling fails: the temperature then ramps up by `failureRampPerMinute`. @default never */
  failureAtTs?: number;
  /** @default 0.15 — °C per minute once the cooling has failed */
  failureRampPerMinute?: number;
  /** @default 0.002 — chance per minute of sample time that the door is opened */
  doorOpenPerMinute?: number;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
const minute = 60_000;
/** The compressor cycle: 3.5 °C ± 0.8 °C over 40 minutes. */
const cycleMs = 40 * minute;
/** A door opening lifts the air temperature by up to 4 °C, which the fridge pulls back over ~3 min. */
const doorLift = 4;
const doorRecoveryMs = 3 * minute;

/**
 * A fridge thermometer (the seed's refrigeration example): a slow oscillation with the
 * compressor cycle, spikes when the door is opened, and, optionally, a failure from a given
 * instant on (a steady ramp up). Values in °C; no register. Deterministic for a seed.
 */
export function createFridgeThermometer(meterId: string, sector: string, random: () => number, options: FridgeOptions = {}): SimulatedMeter {
  const phase = random() * cycleMs;
  let doorOpenedAt: number | null = null;
  let seq = 0;
  return {
    meterId,
    kind: 'temperature',
    sector,
    blocked: false,
    next(ts, intervalMs): WireReading {
      if (random() < (options.doorOpenPerMinute ?? 0.002) * (intervalMs / minute)) doorOpenedAt = ts;
      let value = 3.5 + 0.8 * Math.sin((2 * Math.PI * (ts + phase)) / cycleMs) + (random() - 0.5) * 0.1;
      if (doorOpenedAt !== null) {
        const since = ts - doorOpenedAt;
        if (since >= doorRecoveryMs) doorOpenedAt = null;
        else value += doorLift * (1 - since / doorRecoveryMs);
      }
      if (options.failureAtTs !== undefined && ts > options.failureAtTs) value += ((ts - options.failureAtTs) / minute) * (options.failureRampPerMinute ?? 0.15);
      seq += 1;
      return { kind: 'temperature', ts, value: round3(value), seq, sector };
    },
  };
}
