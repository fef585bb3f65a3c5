import { questdbTables } from '../../core/contracts';
import type { Logger } from '../../core/logger';
import type { Metrics } from '../../core/metrics';
import type { IlpWriter } from '../../core/questdb/ilp-writer';
import type { QuestdbPool } from '../../core/questdb/questdb-sql';
import type { GroupState } from '../alert-rules/group-average-rule';
import type { AlertRulesConfig } from '../alert-rules/rule-config';
import { alertToRow, type AlertEvent } from '../../core/streams/alerts';
import { startScheduledTask } from '../../core/scheduling/scheduled-task';
import { createStateStore } from '../runtime/state-store';
import { writeTableRow } from '../../core/questdb/write-table-row';
import type { SlidingWindowSpec } from '../rolling-averages/window-specs';
import type { MeterKind } from '../../core/contracts/meter-kind';
import { compareWindow, defaultGroupStatisticsOptions, type GroupStatisticsOptions, type RegistryEntry } from './group-statistics';

export interface GroupComparisonOptions {
  pool: QuestdbPool;
  writer: IlpWriter;
  rules: AlertRulesConfig;
  /** The rolling-averages processor's owner in processor_state: its checkpoints say how far every partition has got. */
  rollingStateOwner: string;
  /** Own state owner in processor_state. */
  groupId: string;
  /** The per-meter window compared (the longest sliding window, 24 h by default). */
  window: SlidingWindowSpec;
  allowedLatenessMs: number;
  /**
   * A meter's windows close on its own progress, or (silent meter) this long after it fell
   * silent: waiting this much past the partitions' watermark lets those windows in too.
   * @default 0
   */
  keyIdleMs?: number;
  intervalMs: number;
  /** Which windows count in a group average. @default defaultGroupStatisticsOptions */
  statistics?: GroupStatisticsOptions;
  metrics: Metrics;
  logger: Logger;
  /** The alerts of a comparison, once written to QuestDB, before the state is checkpointed (e.g. to the alerts topic). */
  onAlerts?(alerts: AlertEvent[]): Promise<void>;
}

interface ComparisonState {
  /** Last window end compared. */
  lastEnd: number;
  groups: Record<string, GroupState>;
}

/**
 * "Consumption above the sector/fleet average by a factor over a window" needs every
 * meter of a group, and meters are spread over partitions. So this runs after the rolling
 * averages: when every partition's checkpointed stream time is past a window end plus the
 * lateness, that window's per-meter rows are all in `rolling_averages`; it reads them, takes
 * the group averages, and feeds the above-group-average rules. Consumption over the window is
 * its mean rate × its length (the ratio to the group is what the rule compares).
 *
 * One meter must not be able to raise alerts on the others: windows with
 * negative or implausible rates are left out, a registered meter's sector is the registry's
 * (not its payload's), and the group average is a trimmed mean (group-statistics.ts). State (the
 * last window compared, the open alerts) is checkpointed after the alerts are written, so a
 * restart compares each window once.
 */
export function startGroupComparison(options: GroupComparisonOptions): { failingForMs(): number; stop(): Promise<void> } {
  const { pool, writer, logger: log } = options;
  const store = createStateStore<ComparisonState>(options.groupId, pool);
  const compared = options.metrics.counter('group_windows_compared_total', 'Window ends compared against their group averages');
  const excludedCount = options.metrics.counter('group_windows_excluded_total', 'Meter windows left out of group averages, by reason (negative, implausible, not-consumption)', ['reason']);
  const statistics = options.statistics ?? defaultGroupStatisticsOptions;

  /** Every registered meter's sector and kind as of `at` (the latest registry change at or before it). */
  const registryAt = async (at: Date): Promise<Map<string, RegistryEntry>> => {
    const { rows } = await pool.query<{ meter_id: string; sector: string | null; kind: string | null }>(
      `SELECT meter_id, sector, kind FROM ${questdbTables.meterRegistry.name} WHERE ts <= $1 LATEST ON ts PARTITION BY meter_id`,
      [at],
    );
    return new Map(rows.map((r) => [r.meter_id, { sector: r.sector ?? null, kind: (r.kind as MeterKind | null) ?? null }]));
  };
  let state: ComparisonState | null = null;

  /** The lowest checkpointed stream time over the rolling-averages partitions, minus the lateness. */
  const safeWatermark = async (): Promise<number | null> => {
    const { rows } = await pool.query<{ p: number; t: string }>(
      `SELECT kafka_partition p, max(stream_time) t FROM ${questdbTables.processorState.name} WHERE processor = $1 GROUP BY kafka_partition`,
      [options.rollingStateOwner],
    );
    if (rows.length === 0) return null;
    return Math.min(...rows.map((r) => Number(r.t))) - options.allowedLatenessMs - (options.keyIdleMs ?? 0);
  };

  const tick = async () => {
    state ??= (await store.restore(-1))[0]?.entry.state ?? { lastEnd: 0, groups: {} };
    const watermark = await safeWatermark();
    if (watermark === null) return;
    const { rows: ends } = await pool.query<{ ts: Date }>(
      `SELECT DISTINCT ts FROM ${questdbTables.rollingAverages.name} WHERE window_size = $1 AND ts > $2 AND ts <= $3 ORDER BY ts LIMIT 1000`,
      [options.window.name, new Date(state.lastEnd), new Date(watermark)],
    );
    if (ends.length === 0) return;
    const alerts: AlertEvent[] = [];
    // Once per tick, as of the last window compared: registry changes are rare next to windows.
    const registry = await registryAt(ends[ends.length - 1]!.ts);
    for (const { ts } of ends) {
      const end = ts.getTime();
      const { rows: windows } = await pool.query<{ meter_id: string; sector: string | null; mean: number; min: number; max: number }>(
        `SELECT meter_id, sector, mean, min, max FROM ${questdbTables.rollingAverages.name} WHERE window_size = $1 AND ts = $2`,
        [options.window.name, ts],
      );
      const { events, excluded } = compareWindow(
        state.groups,
        { windowStart: end - options.window.sizeMs, windowEnd: end },
        windows.map((w) => ({ meterId: w.meter_id, sector: w.sector ?? null, mean: Number(w.mean), min: Number(w.min), max: Number(w.max) })),
        registry,
        options.rules,
        statistics,
      );
      for (const x of excluded) excludedCount.inc({ reason: x.reason });
      alerts.push(...events);
      state.lastEnd = end;
      compared.inc();
    }
    for (const alert of alerts) await writeTableRow(writer, alertToRow(alert));
    await writer.flush();
    if (alerts.length > 0) await options.onAlerts?.(alerts);
    await store.write(writer, -1, [{ key: 'state', entry: { state, lastOffset: 0, streamTime: state.lastEnd } }]);
    await writer.flush();
  };

  const task = startScheduledTask({
    name: 'group-comparison',
    intervalMs: options.intervalMs,
    metrics: options.metrics,
    logger: log,
    run: async () => {
      try {
        await tick();
      } catch (error) {
        writer.discard();
        state = null; // the next run reloads the last checkpoint and compares from there again
        throw error;
      }
    },
  });
  return { failingForMs: task.failingForMs, stop: task.stop };
}
