import type { Command, CommandEvent } from '../../core/contracts';
import type { StoredEdgeStats } from '../../core/streams/edge-statistics';
import type { LiveAlert, LiveReading } from './live-records';
import type { LiveSubscription } from './subscriber-queue';

export type { LiveSubscription } from './subscriber-queue';

export interface AlertFilter {
  meterId: string | null;
  sector: string | null;
  /** Only alerts of these meters (a customer's feed); read at each event, so the owner of the set may update it. null = any. */
  meterIds?: ReadonlySet<string> | null;
}

/**
 * Live events for subscriptions, fed from Kafka (readings, edge statistics, alerts, commands, command-acks) by a
 * consumer of this process's own (not shared) group, starting at the end of each topic.
 * Helper-owned: see graphql/schema/live.
 */
export interface LiveFeed {
  /** One meter's readings from now on. */
  readings(meterId: string): LiveSubscription<LiveReading>;
  /** One meter's edge statistics from now on. */
  edgeStatistics(meterId: string): LiveSubscription<StoredEdgeStats>;
  /** Alert transitions from now on, of one meter and/or one sector (null = any). */
  alerts(filter: AlertFilter): LiveSubscription<LiveAlert>;
  /** Every command on the commands topic, synchronously as consumed (the command service's state). */
  onCommand(listener: (command: Command) => void): () => void;
  /** Every event on the command-acks topic, synchronously as consumed. */
  onCommandEvent(listener: (event: CommandEvent) => void): () => void;
  /** Open subscriptions, events dropped for slow subscribers, records skipped as not of their topic's shape. */
  stats(): { subscribers: number; dropped: number; invalid: number };
  /** Ends every open subscription and leaves Kafka. */
  stop(): Promise<void>;
}
