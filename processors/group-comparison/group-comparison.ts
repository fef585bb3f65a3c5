import { questdbTables } from '../../core/contracts';
import { describeError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { Metrics } from '../../core/metrics';
import type { IlpWriter } from '../../core/questdb/ilp-writer';
import type { QuestdbPool } from '../../core/questdb/questdb-sql';
import { applyGroupInput, createGroupState, fleetGroup, type GroupState } from '../alert-rules/group-average-rule';
import type { AlertRulesConfig } from '../alert-rules/rule-config';
import { alertRow } from '../alerts/alert-rows';
import type { OutputRow } from '../runtime/keyed-processor';
import { createStateStore } from '../runtime/state-store';
import { writeOutputRow } from '../runtime/write-output-row';
import type { SlidingWindowSpec } from '../rolling-averages/window-specs';

export interface GroupComparisonOptions {
  pool: QuestdbPool;
  writer: IlpWriter;
  rules: AlertRulesConfig;
  /** The rolling-averages consumer group: its checkpoints say how far every partition has got. */
  rollingGroupId: string;
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
  metrics: Metrics;
  logger: Logger;
  /** The alerts of a comparison, once written to QuestDB, before the state is checkpointed (e.g. to the alerts topic). */
  onAlerts?(rows: OutputRow[]): Promise<void>;
}

interface ComparisonState {
  /** Last window end compared. */
  lastEnd: number;
  groups: Record<string, GroupState>;
}

/**
 * "Consumption above the sector/fleet average by a factor over a window" (seed 000) needs every
 * meter of a group, and meters are spread over partitions. So this runs after the rolling
 * averages: when every partition's checkpointed stream time is past a window end plus the
 * lateness, that window's per-meter rows are all in `rolling_averages`; it reads them, takes
 * the group averages, and feeds the above-group-average rules. Consumption over the window is
 * its mean rate × its length (the ratio to the group is what the rule compares). State (the
 * last window compared, the open alerts) is checkpointed after the alerts are written, so a
 * restart compares each window once.
 */
export function startGroupComparison(options: GroupComparisonOptions): { stop(): Promise<void> } {
  const { pool, writer, logger: log } = options;
  const store = createStateStore<ComparisonState>(options.groupId, pool);
  const compared = options.metrics.counter('group_windows_compared_total', 'Window ends compared against their group averages');
  const minutes = options.window.sizeMs / 60_000;
  let state: ComparisonState | null = null;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  /** The lowest checkpointed stream time over the rolling-averages partitions, minus the lateness. */
  const safeWatermark = async (): Promise<number | null> => {
    const { rows } = await pool.query<{ p: number; t: string }>(
      `SELECT kafka_partition p, max(stream_time) t FROM ${questdbTables.processorState.name} WHERE processor = $1 GROUP BY kafka_partition`,
      [options.rollingGroupId],
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
    const rows: OutputRow[] = [];
    for (const { ts } of ends) {
      const end = ts.getTime();
      const { rows: meters } = await pool.query<{ meter_id: string; sector: string | null; mean: number }>(
        `SELECT meter_id, sector, mean FROM ${questdbTables.rollingAverages.name} WHERE window_size = $1 AND ts = $2`,
        [options.window.name, ts],
      );
      const bySector = new Map<string, typeof meters>();
      for (const m of meters) if (m.sector) bySector.set(m.sector, [...(bySector.get(m.sector) ?? []), m]);
      const groups: [string, typeof meters][] = [[fleetGroup, meters], ...bySector];
      for (const [group, members] of groups) {
        const g = (state.groups[group] ??= createGroupState(group));
        const window = { windowStart: end - options.window.sizeMs, windowEnd: end };
        const average = (members.reduce((sum, m) => sum + m.mean, 0) / members.length) * minutes;
        const events = [...applyGroupInput(g, { type: 'group-window', group, ...window, average, meterCount: members.length }, options.rules)];
        for (const m of members) events.push(...applyGroupInput(g, { type: 'meter-window', meterId: m.meter_id, sector: m.sector, ...window, consumption: m.mean * minutes }, options.rules));
        // A group's slots only matter for the window being compared: keep the state small.
        g.windows = g.windows.filter((w) => w.windowEnd >= end);
        rows.push(...events.map(alertRow));
      }
      state.lastEnd = end;
      compared.inc();
    }
    for (const row of rows) await writeOutputRow(writer, row);
    await writer.flush();
    if (rows.length > 0) await options.onAlerts?.(rows);
    await store.write(writer, -1, [{ key: 'state', entry: { state, lastOffset: 0, streamTime: state.lastEnd } }]);
    await writer.flush();
  };

  const timer = setInterval(() => {
    running = running
      .then(tick)
      .catch((error: unknown) => {
        writer.discard();
        state = null; // reload the last checkpoint
        log.warn('group comparison failed; retrying', { error: describeError(error) });
      });
  }, options.intervalMs);

  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
