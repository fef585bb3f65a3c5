import { createQuestdbPool, type QuestdbPool } from '../../core/questdb/questdb-sql';
import type { MetricSink, VuContext, VuFactory } from '../runner/load-test';
import { countCheck, type CountCheckResult } from './count-check';
import { createE2eProbe, type E2eProbe, type E2eProbeStats, type SqlQuery } from './e2e-probe';
import { createIngestVu, type IngestVu } from './ingest-vu';
import { readLoadSettings, type LoadSettings } from './load-settings';
import { createCredentialSource, type CredentialSource } from './mqtt-credentials';
import { kindOf, vuMeterIds } from './payload-profile';
import { provisionRunAccounts, revokeRunAccounts } from './provision-accounts';
import { createPublishLedger, type PublishLedger } from './publish-ledger';

/** What the engine hands setup() and teardown(); `findings` is the proposed addition (summary.meterflow.findings). */
export interface RunHookContext {
  env: Record<string, string>;
  metrics: MetricSink;
  findings?: Record<string, number | string>;
}

export interface IngestRunOptions {
  /** Most ingest VUs the test may create (its scenarios' maxVUs): setup provisions that many meters. */
  maxVus: number;
  /** Reconnect storm: every VU's socket is destroyed at setup time + afterMs + uniform(0, spreadMs). */
  storm?: { afterMs: number; spreadMs: number };
  /** Settings the scenario fixes for its ingest VUs (its scenario `env`), also applied to setup's view (e.g. MF_LOAD_BATCH_SIZE: no accounts to provision for gateways). */
  env?: Record<string, string>;
  /** Progress lines. @default stderr "[load] …" */
  log?: (line: string) => void;
}

export interface IngestRunReport {
  runId: string;
  count: CountCheckResult | null;
  probe: E2eProbeStats | null;
  ledger: PublishLedger;
  startedAt: number;
  storedSamples: E2eProbe['storedSamples'];
}

export interface IngestRun {
  setup(ctx: RunHookContext): Promise<void>;
  /** The VU factory a scenario lists in `vus`. */
  vu: VuFactory;
  /** Waits for the probes, runs the count check, records findings, cleans up. */
  teardown(ctx: RunHookContext): Promise<IngestRunReport>;
  /** Set by setup(). */
  readonly settings: LoadSettings;
  readonly ledger: PublishLedger;
  readonly probe: E2eProbe | null;
  /** The meters of the VUs created so far. */
  meterIds(): string[];
}

const defaultLog = (line: string) => process.stderr.write(`[load] ${line}\n`);

/**
 * The shared side of a test's ingest VUs: settings, run id, accounts, the e2e probe's single
 * poller, the ledger of acknowledged readings and the count check. A scenario file creates one
 * (module scope) and wires `setup`, `vu` and `teardown` into its LoadTest; setup() resets it,
 * so the same LoadTest object can run twice.
 */
export function createIngestRun(options: IngestRunOptions): IngestRun {
  const log = options.log ?? defaultLog;
  let settings: LoadSettings | null = null;
  let credentials: CredentialSource | null = null;
  let pool: QuestdbPool | null = null;
  let probe: E2eProbe | null = null;
  let ledger = createPublishLedger();
  let provisioned: string[] = [];
  let startedAt = 0;
  let next = 0;
  let vus: IngestVu[] = [];
  let env: Record<string, string> = {};
  /** Per-VU settings: a scenario's `env` may change the profile, batch size or shares. */
  const perEnv = new WeakMap<object, LoadSettings>();

  const need = () => {
    if (!settings || !credentials || !pool) throw new Error('the ingest run was not set up: call setup() first (the LoadTest setup does)');
    return { settings, credentials, pool };
  };
  const query: SqlQuery = async (sql) => (await need().pool.query(sql)).rows as Record<string, unknown>[];

  const run: IngestRun = {
    get settings() {
      return need().settings;
    },
    get ledger() {
      return ledger;
    },
    get probe() {
      return probe;
    },
    meterIds: () => vus.flatMap((vu) => vu.meterIds),

    async setup(ctx) {
      env = { ...ctx.env, ...options.env };
      settings = readLoadSettings(env);
      credentials = createCredentialSource(settings);
      ledger = createPublishLedger();
      vus = [];
      next = 0;
      startedAt = Date.now();
      pool = createQuestdbPool(settings.questdb);
      probe = settings.probe.intervalMs > 0 ? createE2eProbe({ query, metrics: ctx.metrics, intervalMs: settings.probe.intervalMs, timeoutMs: settings.probe.timeoutMs, output: settings.probe.output, outputTimeoutMs: settings.probe.outputTimeoutMs }) : null;
      probe?.start(settings.probe.pollMs);
      const batch = settings.batchSize;
      const s = settings;
      const ids = Array.from({ length: options.maxVus }, (_, i) => vuMeterIds(s.runId, i + 1, kindOf(s.profile, i), batch).meterIds[0]!);
      log(`run ${settings.runId}: up to ${options.maxVus} ingest VUs → ${settings.mqtt.url} (auth ${settings.auth.mode}${batch > 1 ? `, gateways of ${batch} meters` : ''}), probes every ${settings.probe.intervalMs} ms per VU`);
      provisioned = batch <= 1 && (await provisionRunAccounts(settings, env, ids, log)) ? ids : [];
    },

    async vu(ctx: VuContext) {
      const base = need();
      let vuSettings = perEnv.get(ctx.env);
      if (!vuSettings) {
        // Run-level choices stay the run's: same run id, accounts and endpoints for every VU.
        vuSettings = { ...readLoadSettings({ ...ctx.env, MF_LOAD_RUN_ID: base.settings.runId }), auth: base.settings.auth, questdb: base.settings.questdb, mqtt: base.settings.mqtt };
        perEnv.set(ctx.env, vuSettings);
      }
      const index = next;
      next += 1;
      const storm = options.storm;
      const vu = await createIngestVu(ctx, {
        settings: vuSettings,
        index,
        credentials: base.credentials,
        probe,
        ledger,
        dropAt: storm ? startedAt + storm.afterMs + Math.random() * storm.spreadMs : null,
      });
      vus.push(vu);
      return vu;
    },

    async teardown(ctx) {
      const { settings: s } = need();
      let count: CountCheckResult | null = null;
      try {
        if (probe) {
          const deadline = Date.now() + s.probe.timeoutMs + 5000;
          while (probe.stats().pendingStored > 0 && Date.now() < deadline) await probe.poll();
        }
        const meterIds = run.meterIds();
        if (s.countCheck && (ledger.published > 0 || meterIds.length > 0)) {
          count = await countCheck({
            query,
            meters: s.auth.mode === 'file' ? { ids: meterIds } : { prefix: s.runId },
            fromTs: Number.isFinite(ledger.minTs) ? ledger.minTs : startedAt,
            toTs: Number.isFinite(ledger.maxTs) ? ledger.maxTs : Date.now(),
            published: ledger.published,
            metrics: ctx.metrics,
            settleTimeoutMs: s.settleTimeoutMs,
            log,
          });
        }
      } finally {
        await probe?.stop();
        if (provisioned.length > 0) await revokeRunAccounts(s, env, provisioned, log);
        provisioned = [];
        await pool?.end().catch(() => undefined);
        pool = null;
      }
      const stats = probe?.stats() ?? null;
      if (stats) {
        log(
          `e2e probes: ${stats.taken} taken, ${stats.storedSeen} stored / ${stats.storedLost} lost; output ${stats.outputSeen} seen / ${stats.outputLost} lost / ${stats.pendingOutput} still pending at the end${stats.outputSkipped ? ` / ${stats.outputSkipped} not taken (cap)` : ''}; poller: ${stats.queries} queries (${stats.queryErrors} failed)`,
        );
      }
      if (ctx.findings) {
        Object.assign(ctx.findings, {
          run_id: s.runId,
          readings_published: ledger.published,
          ...(count ? { readings_stored: count.distinct, readings_lost: count.lost, readings_doubled: count.doubled, count_check_wait_s: Math.round(count.waitedMs / 100) / 10 } : {}),
          ...(stats ? { probes_taken: stats.taken, probes_output_pending_at_end: stats.pendingOutput, probe_poller_queries: stats.queries } : {}),
        });
      }
      return { runId: s.runId, count, probe: stats, ledger, startedAt, storedSamples: probe?.storedSamples ?? [] };
    },
  };
  return run;
}
