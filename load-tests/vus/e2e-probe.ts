import type { MetricSink } from '../runner/load-test';

/** Runs one SQL statement (QuestDB PG-wire) and returns its rows. */
export type SqlQuery = (sql: string) => Promise<Record<string, unknown>[]>;

/** A reading remembered as a probe: it is one of the VU's normal readings, it adds no load. */
export interface Probe {
  meterId: string;
  /** Event time, epoch ms (the readings table's designated timestamp). */
  ts: number;
  /** When the VU sent it (wall clock, ms): latencies start here, not at the PUBACK. */
  publishedAt: number;
  /** Tags of the VU's samples (scenario, kind…), added to the latency samples. */
  tags?: Record<string, string>;
}

export interface E2eProbeOptions {
  query: SqlQuery;
  metrics: MetricSink;
  /** Per VU, at most one probe per this interval, ms; 0 = no probes. */
  intervalMs: number;
  /** A probe not stored within this counts in e2e_probes_lost{stage:stored}. */
  timeoutMs: number;
  /** Also wait for the processors' rolling_averages row covering the probe (e2e_output_latency). */
  output: boolean;
  /** An output probe not covered within this counts in e2e_probes_lost{stage:output}. */
  outputTimeoutMs: number;
  /** At most this many output probes wait at once (one per meter); more are not taken. @default 500 */
  maxOutputPending?: number;
  /** Probes taken per second over all VUs at most (keeps the poller's cost flat with 10,000 VUs). @default 200 */
  maxPerSecond?: number;
  /** Most stored probes one query asks about (oldest first). @default 400 */
  maxPerQuery?: number;
  /** @default Date.now */
  clock?: () => number;
}

export interface E2eProbeStats {
  /** Probes taken (stored stage). */
  taken: number;
  storedSeen: number;
  storedLost: number;
  outputSeen: number;
  outputLost: number;
  /** Output probes not taken because maxOutputPending were waiting. */
  outputSkipped: number;
  pendingStored: number;
  pendingOutput: number;
  /** SQL statements the poller sent: its own cost on QuestDB. */
  queries: number;
  queryErrors: number;
}

export interface E2eProbe {
  /** Whether the VU `vuKey` should take its next reading as a probe now (at most one per interval). */
  due(vuKey: string, now?: number): boolean;
  /** Registers an acknowledged probe reading. */
  add(probe: Probe): void;
  /** One poll: one query per stage with pending probes; records latencies and timeouts. */
  poll(): Promise<void>;
  /** Polls every `pollMs` (one poll at a time) until stop(). */
  start(pollMs: number): void;
  /** Stops polling; pending output probes are left (reported in stats), not counted lost. */
  stop(): Promise<void>;
  stats(): E2eProbeStats;
  /** Publish times (ms) and latencies of the stored stage, for per-stage accounting (ingest-ramp). */
  readonly storedSamples: { publishedAt: number; latencyMs: number | null }[];
}

const toMs = (us: unknown): number => Number(BigInt(String(us)) / 1000n);
const literal = (id: string) => `'${id.replace(/'/g, "''")}'`;

/**
 * End-to-end probes: every `intervalMs` per VU one normal reading is remembered (meter, event
 * time, publish time); ONE shared poller asks QuestDB, once per poll for all pending probes,
 * which are queryable:
 *
 * - stored: `SELECT meter_id, ts FROM readings WHERE meter_id IN (…) AND ts IN (…)` → e2e_stored_latency
 *   (publish → the row is visible to a query, i.e. written by the sink and applied from QuestDB's WAL);
 * - output: `SELECT meter_id, max(ts) FROM rolling_averages WHERE meter_id IN (…) AND ts > <oldest probe>`
 *   → e2e_output_latency, once a window of the probe's meter ending after the probe's event time
 *   was emitted. Windows of a meter close in event-time order (the watermark only moves forward),
 *   so a row ending after the probe means the first window holding the probe is out. That row
 *   only appears after the window's end plus the processors' allowed lateness
 *   (MF_PROCESSORS_LATENESS_MS, 120 s by default): docs/load-testing.md explains the floor.
 *
 * Meter ids are validated ids (core/contracts idPattern) and timestamps integers, so the
 * literals are safe; QuestDB's pg wire re-plans statements with changing IN lists anyway.
 */
export function createE2eProbe(options: E2eProbeOptions): E2eProbe {
  const clock = options.clock ?? Date.now;
  const maxOutput = options.maxOutputPending ?? 500;
  const maxPerQuery = options.maxPerQuery ?? 400;
  const maxPerSecond = options.maxPerSecond ?? 200;
  let second = -1;
  let takenThisSecond = 0;
  const lastProbe = new Map<string, number>();
  let pendingStored: Probe[] = [];
  /** meter → the oldest pending output probe of that meter. */
  const pendingOutput = new Map<string, Probe>();
  const storedSamples: { publishedAt: number; latencyMs: number | null }[] = [];
  const counts = { taken: 0, storedSeen: 0, storedLost: 0, outputSeen: 0, outputLost: 0, outputSkipped: 0, queries: 0, queryErrors: 0 };
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;

  const run = async (sql: string): Promise<Record<string, unknown>[] | null> => {
    counts.queries += 1;
    try {
      return await options.query(sql);
    } catch {
      counts.queryErrors += 1; // a failing poll is retried next time; timeouts still apply
      return null;
    }
  };

  const pollStored = async () => {
    if (pendingStored.length === 0) return;
    const batch = pendingStored.slice(0, maxPerQuery);
    const meters = [...new Set(batch.map((p) => p.meterId))];
    const times = [...new Set(batch.map((p) => p.ts))];
    const rows = await run(`SELECT meter_id, ts::long us FROM readings WHERE meter_id IN (${meters.map(literal).join(',')}) AND ts IN (${times.map((t) => `cast(${t * 1000} AS timestamp)`).join(',')})`);
    const now = clock();
    const seen = new Set((rows ?? []).map((r) => `${String(r.meter_id)}@${toMs(r.us)}`));
    const still: Probe[] = [];
    for (const probe of pendingStored) {
      if (seen.has(`${probe.meterId}@${probe.ts}`)) {
        const latency = now - probe.publishedAt;
        options.metrics.add('e2e_stored_latency', latency, probe.tags);
        storedSamples.push({ publishedAt: probe.publishedAt, latencyMs: latency });
        counts.storedSeen += 1;
      } else if (now - probe.publishedAt > options.timeoutMs) {
        options.metrics.add('e2e_probes_lost', 1, { ...probe.tags, stage: 'stored' });
        storedSamples.push({ publishedAt: probe.publishedAt, latencyMs: null });
        counts.storedLost += 1;
      } else still.push(probe);
    }
    pendingStored = still;
  };

  const pollOutput = async () => {
    if (pendingOutput.size === 0) return;
    const probes = [...pendingOutput.values()];
    const oldest = Math.min(...probes.map((p) => p.ts));
    const rows = await run(
      `SELECT meter_id, max(ts)::long us FROM rolling_averages WHERE meter_id IN (${probes.map((p) => literal(p.meterId)).join(',')}) AND ts > cast(${oldest * 1000} AS timestamp) GROUP BY meter_id`,
    );
    const now = clock();
    const lastEnd = new Map((rows ?? []).map((r) => [String(r.meter_id), toMs(r.us)]));
    for (const probe of probes) {
      const end = lastEnd.get(probe.meterId);
      if (end !== undefined && end > probe.ts) {
        options.metrics.add('e2e_output_latency', now - probe.publishedAt, probe.tags);
        counts.outputSeen += 1;
        pendingOutput.delete(probe.meterId);
      } else if (now - probe.publishedAt > options.outputTimeoutMs) {
        options.metrics.add('e2e_probes_lost', 1, { ...probe.tags, stage: 'output' });
        counts.outputLost += 1;
        pendingOutput.delete(probe.meterId);
      }
    }
  };

  const probe: E2eProbe = {
    storedSamples,
    due(vuKey, now = clock()) {
      if (options.intervalMs <= 0) return false;
      const last = lastProbe.get(vuKey);
      if (last !== undefined && now - last < options.intervalMs) return false;
      const s = Math.floor(now / 1000);
      if (s !== second) {
        second = s;
        takenThisSecond = 0;
      }
      if (takenThisSecond >= maxPerSecond) return false; // this VU asks again at its next reading
      takenThisSecond += 1;
      lastProbe.set(vuKey, now);
      return true;
    },
    add(p) {
      counts.taken += 1;
      pendingStored.push(p);
      if (!options.output) return;
      if (pendingOutput.has(p.meterId)) return; // the older probe of this meter is covered first anyway
      if (pendingOutput.size >= maxOutput) counts.outputSkipped += 1;
      else pendingOutput.set(p.meterId, p);
    },
    async poll() {
      await pollStored();
      await pollOutput();
    },
    start(pollMs) {
      if (timer) return;
      timer = setInterval(() => {
        if (running) return; // one poll at a time: a slow QuestDB must not pile queries up
        running = probe.poll().finally(() => (running = null));
      }, pollMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = null;
      await running;
    },
    stats: () => ({ ...counts, pendingStored: pendingStored.length, pendingOutput: pendingOutput.size }),
  };
  return probe;
}
