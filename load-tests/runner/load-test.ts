/**
 * The shape of a load test, after k6 (https://grafana.com/docs/k6/latest/using-k6/scenarios/):
 * a scenario file default-exports a LoadTest; its `options` read like k6's `export const
 * options`, and each scenario's `exec` names one of its `vus` (k6: an exported function).
 * Durations are k6 strings ("30s", "2m", "1h30m", "500ms").
 */

export type Tags = Record<string, string>;

interface ScenarioBase {
  /** Which of the test's `vus` runs this scenario's iterations. */
  exec: string;
  /** Offset from the start of the test. @default "0s" */
  startTime?: string;
  /** How long running iterations may finish after the scenario's end. @default "30s" */
  gracefulStop?: string;
  /** Added to every sample of this scenario (besides `scenario: <name>`). */
  tags?: Tags;
  /** Extra options handed to the VU factory (e.g. a payload profile). */
  env?: Record<string, string>;
}

/** Open model: iterations start at a fixed rate whether or not earlier ones finished. */
export interface ConstantArrivalRate extends ScenarioBase {
  executor: 'constant-arrival-rate';
  /** Iterations per timeUnit. */
  rate: number;
  /** @default "1s" */
  timeUnit?: string;
  duration: string;
  preAllocatedVUs: number;
  /** @default preAllocatedVUs */
  maxVUs?: number;
}

/** Open model with a rate moving linearly from stage to stage. */
export interface RampingArrivalRate extends ScenarioBase {
  executor: 'ramping-arrival-rate';
  /** @default 0 */
  startRate?: number;
  /** @default "1s" */
  timeUnit?: string;
  stages: { target: number; duration: string }[];
  preAllocatedVUs: number;
  /** @default preAllocatedVUs */
  maxVUs?: number;
}

/** Closed model: a fixed number of VUs loop over iterations. */
export interface ConstantVus extends ScenarioBase {
  executor: 'constant-vus';
  vus: number;
  duration: string;
}

export interface PerVuIterations extends ScenarioBase {
  executor: 'per-vu-iterations';
  vus: number;
  iterations: number;
  /** @default "10m" */
  maxDuration?: string;
}

export type ScenarioOptions = ConstantArrivalRate | RampingArrivalRate | ConstantVus | PerVuIterations;

/** k6 threshold: an expression such as "p(99)<500", or the object form with abortOnFail. */
export type Threshold = string | { threshold: string; abortOnFail?: boolean; delayAbortEval?: string };

export interface LoadTestOptions {
  scenarios: Record<string, ScenarioOptions>;
  /** Keyed by metric, optionally with a tag filter: "e2e_stored_latency{kind:water}". */
  thresholds?: Record<string, Threshold[]>;
  /** Added to every sample. */
  tags?: Tags;
  /**
   * Types of custom metrics the VUs add (beyond builtinMetrics and meterflowMetrics), so
   * thresholds can refer to them; an undeclared metric is a counter. Trends named *_duration,
   * *_latency, *_time or *_ms are taken as times in ms unless `contains` says otherwise.
   */
  metrics?: Record<string, MetricType | { type: MetricType; contains?: 'time' | 'default' | 'data' }>;
  /** Trend statistics in the summary, as k6's summaryTrendStats. @default ["avg","min","med","max","p(90)","p(95)","p(99)"] */
  summaryTrendStats?: string[];
}

/** Metric types as k6's: Counter (sum), Gauge (last), Rate (share of non-zero), Trend (distribution). */
export type MetricType = 'counter' | 'gauge' | 'rate' | 'trend';

export interface MetricSink {
  /** Counter: adds; Gauge: sets; Rate: true/non-zero counts as a pass; Trend: one observation (ms for times). */
  add(metric: string, value: number | boolean, tags?: Tags): void;
}

/** What a VU gets from the runner. */
export interface VuContext {
  /** 1-based, unique across the whole test (k6's __VU). */
  readonly id: number;
  readonly scenario: string;
  /** The test's environment: process env overlaid with `--env KEY=VALUE` and the scenario's `env`. */
  readonly env: Record<string, string>;
  readonly metrics: MetricSink;
  /** k6's check(): records each condition in the `checks` Rate (tagged check: <name>); returns whether all passed. */
  check(conditions: Record<string, boolean>, tags?: Tags): boolean;
  /** Tags of this scenario, for the VU's own samples. */
  readonly tags: Tags;
}

/** One virtual user: set up once, then asked to run iterations one at a time. */
export interface Vu {
  /** One iteration (k6's default function). A thrown error counts as a failed iteration, never stops the test. */
  iteration(): Promise<void>;
  /** Called once when the test ends (close connections). */
  close(): Promise<void>;
}

export type VuFactory = (ctx: VuContext) => Promise<Vu>;

export interface LoadTest {
  /** Shown in the summary and the report. */
  name: string;
  description: string;
  options: LoadTestOptions;
  vus: Record<string, VuFactory>;
  /** Before any VU (k6's setup()): e.g. provision accounts, start a latency probe. */
  setup?(ctx: { env: Record<string, string>; metrics: MetricSink; findings?: Findings }): Promise<void>;
  /**
   * After every VU closed (k6's teardown()): e.g. wait for the pipeline to settle and record
   * the count check (readings_lost, readings_doubled) before thresholds are evaluated.
   */
  teardown?(ctx: { env: Record<string, string>; metrics: MetricSink; findings?: Findings }): Promise<void>;
}

/**
 * Free-form figures setup/teardown may fill in (e.g. ingest-ramp's maximum sustainable rate);
 * the runner always passes one, and they land in SummaryData.meterflow.findings.
 */
export type Findings = Record<string, number | string>;

/** Metrics every run has, as k6 names them. */
export const builtinMetrics = {
  iterations: 'counter',
  iteration_duration: 'trend',
  iterations_failed: 'counter',
  dropped_iterations: 'counter',
  vus: 'gauge',
  vus_max: 'gauge',
  checks: 'rate',
} as const satisfies Record<string, MetricType>;

/** Metrics of the meterflow VUs (load-tests/vus/), declared so thresholds can refer to them before a first sample. */
export const meterflowMetrics = {
  /** Readings acknowledged by the broker (QoS 1 PUBACK); a gateway message counts its readings. */
  readings_published: 'counter',
  mqtt_messages: 'counter',
  /** publish → PUBACK, ms. */
  mqtt_puback_latency: 'trend',
  mqtt_publish_errors: 'rate',
  mqtt_connect_errors: 'counter',
  mqtt_reconnects: 'counter',
  /** publish → the probe reading is queryable in QuestDB's readings table, ms. */
  e2e_stored_latency: 'trend',
  /** publish → the processors' output for the probe reading is queryable, ms. */
  e2e_output_latency: 'trend',
  /** Probes never seen within the probe timeout. */
  e2e_probes_lost: 'counter',
  graphql_req_duration: 'trend',
  graphql_errors: 'rate',
  /** Count check at the end: published (acknowledged) readings of the test's meters not stored. */
  readings_lost: 'counter',
  /** Count check at the end: stored rows beyond one per published reading. */
  readings_doubled: 'counter',
  /** The load generator's own CPU use (user + system) as a share of one core, sampled each second. */
  generator_cpu: 'gauge',
} as const satisfies Record<string, MetricType>;
