import { mqttTopics, type MeterKind, type WireReading } from '../../core/contracts';
import { createSimulatedMeter, type SimulatedMeter } from '../simulator/meter-profiles';

export type ReadingKind = Extract<MeterKind, 'water' | 'electricity' | 'temperature'>;

/** One MQTT message an ingest VU is about to publish. */
export interface OutgoingMessage {
  topic: string;
  payload: string;
  /** Valid readings in it (0 for a bad message): what `readings_published` and the count check add once it is acknowledged. */
  readings: number;
  /** Malformed on purpose (broken JSON or a value out of range): the bridge dead-letters it. */
  bad: 'malformed-json' | 'out-of-range' | null;
  /** (meter, event time) of every valid reading, for the count check and the probes. */
  keys: { meterId: string; ts: number }[];
}

export interface PayloadGeneratorOptions {
  /** One meter per VU (batchSize 1) or a gateway of batchSize meters. */
  meterIds: string[];
  /** Gateway id when batchSize > 1 (topic gateways/<id>/readings). */
  gatewayId: string | null;
  kind: ReadingKind;
  sector: string;
  /** Share of messages sent bad (0–1). */
  badShare: number;
  /** Whether this VU's water meters leak (continuous flow from leakFromTs on). */
  leaking: boolean;
  /** Event time from which a leaking meter never reports zero flow. */
  leakFromTs?: number;
  /** Event-time spacing the registers integrate over, ms. @default 1000 */
  intervalMs?: number;
  random: () => number;
}

export interface PayloadGenerator {
  /** The message for event time `ts` (every reading in it gets this ts). */
  next(ts: number): OutgoingMessage;
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
/** The continuous flow a leaking meter adds, L/min (a running toilet: ~0.5–2 L/min). */
export const leakFlowLpm = 0.8;

/**
 * A fridge or freezer probe: a level around its set point with slow drift and
 * noise, °C; no register (core/contracts: a temperature meter has none).
 */
export function createTemperatureMeter(meterId: string, sector: string, random: () => number): SimulatedMeter {
  const setPoint = random() < 0.7 ? 3 : -19;
  let drift = 0;
  let seq = 0;
  return {
    meterId,
    kind: 'temperature',
    sector,
    blocked: false,
    next(ts) {
      drift = Math.max(-1, Math.min(1, drift + (random() - 0.5) * 0.1));
      seq += 1;
      return { kind: 'temperature', ts, value: round3(setPoint + drift + (random() - 0.5) * 0.2), seq, sector };
    },
  };
}

function createMeter(meterId: string, kind: ReadingKind, sector: string, random: () => number): SimulatedMeter {
  return kind === 'temperature' ? createTemperatureMeter(meterId, sector, random) : createSimulatedMeter(meterId, kind, sector, random);
}

/**
 * Payloads of one ingest VU, reusing the simulator's meter profiles (load-tests/simulator/
 * meter-profiles.ts) and adding temperature, leaks and bad messages. A bad message is drawn
 * with probability badShare: half of them broken JSON, half a reading whose value is outside
 * every kind's plausible range (core/contracts reading-ranges): both are acknowledged by the
 * broker and dead-lettered by the bridge, so they count in `mqtt_messages` but never in
 * `readings_published`. A bad message consumes no event time: the next message reuses nothing,
 * each call gets its own ts from the VU.
 */
export function createPayloadGenerator(options: PayloadGeneratorOptions): PayloadGenerator {
  const intervalMs = options.intervalMs ?? 1000;
  const meters = options.meterIds.map((id) => createMeter(id, options.kind, options.sector, options.random));
  const leakFrom = options.leakFromTs ?? 0;
  const reading = (meter: SimulatedMeter, ts: number): WireReading => {
    const r = meter.next(ts, intervalMs);
    if (options.leaking && meter.kind === 'water' && ts >= leakFrom && typeof r.value === 'number') {
      // Continuous flow: never zero; the register keeps integrating the simulator's own value only
      // (a small under-read of the register is fine for load, the flow is what leak detection reads).
      return { ...r, value: round3(r.value + leakFlowLpm) };
    }
    return r;
  };
  const gateway = options.gatewayId !== null && options.meterIds.length > 1;
  return {
    next(ts) {
      if (options.badShare > 0 && options.random() < options.badShare) {
        const meterId = options.meterIds[0]!;
        const topic = gateway ? mqttTopics.gatewayBatch(options.gatewayId!) : mqttTopics.reading(meterId);
        if (options.random() < 0.5) return { topic, payload: `{"kind":"${options.kind}","ts":${ts},"value":`, readings: 0, bad: 'malformed-json', keys: [] };
        const outOfRange = { kind: options.kind, ts, value: 1e300, seq: 0, sector: options.sector };
        const payload = gateway ? JSON.stringify({ readings: [{ meterId, ...outOfRange }] }) : JSON.stringify(outOfRange);
        return { topic, payload, readings: 0, bad: 'out-of-range', keys: [] };
      }
      if (!gateway) {
        const meter = meters[0]!;
        return { topic: mqttTopics.reading(meter.meterId), payload: JSON.stringify(reading(meter, ts)), readings: 1, bad: null, keys: [{ meterId: meter.meterId, ts }] };
      }
      const readings = meters.map((meter) => ({ meterId: meter.meterId, ...reading(meter, ts) }));
      return {
        topic: mqttTopics.gatewayBatch(options.gatewayId!),
        payload: JSON.stringify({ gatewayId: options.gatewayId, readings }),
        readings: readings.length,
        bad: null,
        keys: meters.map((meter) => ({ meterId: meter.meterId, ts })),
      };
    },
  };
}

/** Kind of the n-th VU (0-based) under a profile: mixed cycles water, electricity, temperature. */
export function kindOf(profile: 'water' | 'electricity' | 'temperature' | 'mixed', n: number): ReadingKind {
  if (profile !== 'mixed') return profile;
  return (['water', 'electricity', 'temperature'] as const)[n % 3]!;
}

/** Meter ids of a VU: `<run>-<w|e|t>-<vu>` for a meter, `<run>-g<vu>-m<k>` for a gateway's meters. */
export function vuMeterIds(runId: string, vuId: number, kind: ReadingKind, batchSize: number): { meterIds: string[]; gatewayId: string | null } {
  const vu = String(vuId).padStart(5, '0');
  if (batchSize <= 1) return { meterIds: [`${runId}-${kind[0]}-${vu}`], gatewayId: null };
  const gatewayId = `${runId}-g${vu}`;
  return { meterIds: Array.from({ length: batchSize }, (_, k) => `${gatewayId}-m${String(k + 1).padStart(4, '0')}`), gatewayId };
}
