import type { MeterKind } from '../../core/contracts';
import type { QuestdbPool } from '../../core/questdb/questdb-sql';

/**
 * A meter as the API knows it: its registry record (meter_registry, written by
 * registerMeter/updateMeter/assignTariff) merged with what its readings say (meters that report
 * without being registered are known too, with kind and sector from their last reading).
 */
export interface MeterRecord {
  meterId: string;
  kind: MeterKind;
  sector: string | null;
  customerId: string | null;
  timeZone: string | null;
  reportingIntervalS: number | null;
  tariffId: string | null;
  label: string | null;
  /** null for a meter only seen in readings. */
  registeredAt: Date | null;
  /** Time of the last registry change, null if never registered. */
  updatedAt: Date | null;
  /** Event time of the last reading, null if it never reported. */
  lastSeenAt: Date | null;
}

export interface MeterFilter {
  sector?: string | null;
  kind?: MeterKind | null;
  customerId?: string | null;
}

export interface MeterDirectory {
  get(meterId: string): Promise<MeterRecord | null>;
  /** Every meter matching the filter, ordered by meter id. */
  list(filter: MeterFilter): Promise<MeterRecord[]>;
  /**
   * A registry change this process just wrote: served at once, before QuestDB's WAL makes it
   * visible to reads (read-your-writes for the caller of registerMeter).
   */
  remember(record: MeterRecord): void;
}

export interface MeterDirectoryOptions {
  questdb: QuestdbPool;
  /** How long a QuestDB read of the directory is reused. */
  cacheMs: number;
}

// PROVISIONAL (skeleton): knows no meter; the queries helper replaces this.
export function createMeterDirectory(options: MeterDirectoryOptions): MeterDirectory {
  void options;
  return { get: async () => null, list: async () => [], remember: () => {} };
}
