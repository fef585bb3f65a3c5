import type { QuestdbPool } from '../../core/questdb/questdb-sql';
import { tariffVersionFromSql, tariffVersionsQuery, type TariffVersionRecord, type TariffVersionSqlRow } from '../../core/streams/tariff-versions';
import type { Tariff } from '../../core/tariffs/tariff';
import { buildTariffCatalog, type TariffCatalog } from '../../core/tariffs/tariff-catalog';

export interface TariffCatalogReader {
  /** The configured tariffs with every version published through the API, at most `cacheMs` old. */
  get(): Promise<TariffCatalog>;
  /** Read now, for a check-then-write section (another API server may have published within the cache time); refreshes the cache. */
  fresh(): Promise<TariffCatalog>;
  /**
   * A row this server just wrote: part of every catalog until QuestDB shows it (a WAL table
   * shows a commit a moment later), so a publish is read back at once.
   */
  remember(record: TariffVersionRecord): void;
}

/**
 * The API's view of the tariff catalog, built by the same rules as the processors'
 * (core/tariffs/tariff-catalog.ts) from the configured tariffs and tariff_versions.
 */
export function createTariffCatalogReader(options: { questdb: QuestdbPool; configured: ReadonlyMap<string, Tariff>; cacheMs: number }): TariffCatalogReader {
  let cached: { at: number; catalog: Promise<TariffCatalog> } | null = null;
  let pending: TariffVersionRecord[] = [];
  const read = async () => {
    const { rows } = await options.questdb.query<TariffVersionSqlRow>(tariffVersionsQuery);
    const stored = rows.map(tariffVersionFromSql);
    const seen = new Set(stored.map((r) => `${r.tariffId}@${r.publishedAt}`));
    pending = pending.filter((r) => !seen.has(`${r.tariffId}@${r.publishedAt}`));
    return buildTariffCatalog(options.configured, [...stored, ...pending]);
  };
  const reread = () => {
    const catalog = read();
    cached = { at: Date.now(), catalog };
    // A failed read is not cached.
    catalog.catch(() => {
      if (cached?.catalog === catalog) cached = null;
    });
    return catalog;
  };
  return {
    get() {
      return cached === null || Date.now() - cached.at > options.cacheMs ? reread() : cached.catalog;
    },
    fresh: reread,
    remember(record) {
      pending.push(record);
      if (pending.length > 1000) pending.shift();
      cached = null;
    },
  };
}
