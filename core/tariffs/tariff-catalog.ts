/**
 * The tariffs billing may price with: the configured ones (MF_BILLING_CONFIG_FILE, version 0,
 * in force from the beginning of time) and the versions and retirements published through the
 * API (tariff_versions), rebuilt from every row by the processors and the API alike, so both
 * read the same rules (docs/billing.md "Tariffs at run time"):
 *
 * - A version holds from local midnight of its `effectiveFrom` in each meter's zone until the
 *   next version's, like a schedule entry: every day has exactly one price list, and a change
 *   mid-period splits the period by days. Two versions with the same date: the later published
 *   wins. Before its first version's date an API tariff is priced with that first version.
 * - A retirement from a date moves the retired tariff's days to its successor (`replacedBy`)
 *   from then on; without one, days are still priced with its last version (the API refuses to
 *   retire a tariff still assigned without naming a successor).
 * - Every version of a tariff keeps its currency and a unit of the same dimension (m3 and L, not
 *   kWh): meters assigned to it must stay priceable. A row breaking a rule (only possible when
 *   written around the API) is refused and listed, never applied.
 */
import type { TariffVersionRecord } from '../streams/tariff-versions';
import { isLocalDate } from '../time/local-days';
import { unitFactor } from '../units/units';
import { invalidBilling } from './billing-errors';
import { parseTariff, type Tariff } from './tariff';
import { tariffIdOn, type TariffAssignment } from './tariff-assignment';

export interface TariffVersion {
  /** 0 = the configured definition; 1, 2, … = API publications in order. */
  version: number;
  /** Local date from which it holds; '0000-01-01' for a configured tariff. */
  effectiveFrom: string;
  tariff: Tariff;
  /** Wall-clock epoch ms of the publication; null for a configured tariff. */
  publishedAt: number | null;
  publishedBy: string | null;
  note: string | null;
}

export interface TariffRetirement {
  from: string;
  replacedBy: string | null;
  publishedAt: number;
  publishedBy: string;
  note: string | null;
}

export interface TariffEntry {
  id: string;
  source: 'configured' | 'api';
  /** In publication order. */
  versions: TariffVersion[];
  retirement: TariffRetirement | null;
}

export interface TariffCatalog {
  entries: ReadonlyMap<string, TariffEntry>;
  /** The latest publication instant (0 = none): changes whenever the API adds a row. */
  revision: number;
  /** Rows not applied, with why. */
  refused: { record: TariffVersionRecord; reason: string }[];
}

export const beginningOfTime = '0000-01-01';
/** Successors followed from a retired tariff before giving up (the API refuses cycles). */
const maxSuccessors = 16;

/** The latest version of an entry: what a new assignment or a unit check sees. */
export function latestVersion(entry: TariffEntry): TariffVersion {
  return entry.versions[entry.versions.length - 1]!;
}

/** Why `next` cannot follow `previous` as a version of one tariff (or replace it); null when it can. */
export function versionProblem(previous: Tariff, next: Tariff): string | null {
  if (next.currency !== previous.currency) return `currency ${next.currency} differs from ${previous.currency}: meters billed by it would mix currencies in a period`;
  if (unitFactor(previous.unit, next.unit) === null) return `unit ${next.unit} cannot price what ${previous.unit} did (meters assigned to it would become unbillable)`;
  return null;
}

export function buildTariffCatalog(configured: ReadonlyMap<string, Tariff>, records: readonly TariffVersionRecord[]): TariffCatalog {
  const entries = new Map<string, TariffEntry>();
  for (const [id, tariff] of configured) {
    entries.set(id, { id, source: 'configured', versions: [{ version: 0, effectiveFrom: beginningOfTime, tariff, publishedAt: null, publishedBy: null, note: null }], retirement: null });
  }
  const refused: TariffCatalog['refused'] = [];
  let revision = 0;
  for (const record of [...records].sort((a, b) => a.publishedAt - b.publishedAt)) {
    revision = Math.max(revision, record.publishedAt);
    const reason = applyRecord(entries, record);
    if (reason !== null) refused.push({ record, reason });
  }
  return { entries, revision, refused };
}

function applyRecord(entries: Map<string, TariffEntry>, record: TariffVersionRecord): string | null {
  if (!isLocalDate(record.effectiveFrom)) return `effective_from "${record.effectiveFrom}" is not a YYYY-MM-DD date`;
  const entry = entries.get(record.tariffId);
  if (entry?.retirement) return `tariff "${record.tariffId}" is retired from ${entry.retirement.from}`;
  if (record.action === 'retire') {
    if (!entry) return `unknown tariff "${record.tariffId}"`;
    if (record.replacedBy !== null) {
      const successor = entries.get(record.replacedBy);
      if (!successor || successor.retirement) return `successor "${record.replacedBy}" is unknown or retired`;
      if (successor.id === entry.id) return 'a tariff cannot replace itself';
      const problem = versionProblem(latestVersion(entry).tariff, latestVersion(successor).tariff);
      if (problem !== null) return `successor "${record.replacedBy}": ${problem}`;
    }
    entry.retirement = { from: record.effectiveFrom, replacedBy: record.replacedBy, publishedAt: record.publishedAt, publishedBy: record.publishedBy, note: record.note };
    return null;
  }
  let tariff: Tariff;
  try {
    tariff = parseTariff(JSON.parse(record.definition ?? 'null'), 'definition');
  } catch (error) {
    return (error as Error).message;
  }
  if (tariff.id !== record.tariffId) return `definition id "${tariff.id}" differs from the row's tariff "${record.tariffId}"`;
  if (entry) {
    const problem = versionProblem(latestVersion(entry).tariff, tariff);
    if (problem !== null) return problem;
  }
  const target = entry ?? { id: record.tariffId, source: 'api' as const, versions: [], retirement: null };
  target.versions.push({ version: (entry ? latestVersion(entry).version : 0) + 1, effectiveFrom: record.effectiveFrom, tariff, publishedAt: record.publishedAt, publishedBy: record.publishedBy, note: record.note });
  entries.set(record.tariffId, target);
  return null;
}

/** The version of an entry in force on local day `date`. */
export function versionOn(entry: TariffEntry, date: string): TariffVersion {
  let found: TariffVersion | null = null;
  for (const v of entry.versions) {
    // Publication order: on an equal date the later published wins.
    if (v.effectiveFrom <= date && (found === null || v.effectiveFrom >= found.effectiveFrom)) found = v;
  }
  return found ?? entry.versions.reduce((a, b) => (b.effectiveFrom < a.effectiveFrom ? b : a));
}

/** The price list of tariff `id` on local day `date`, after retirements; null when `id` is unknown. */
export function priceListOn(catalog: TariffCatalog, id: string, date: string): { key: string; tariff: Tariff } | null {
  let entry = catalog.entries.get(id);
  for (let hops = 0; entry?.retirement?.replacedBy && date >= entry.retirement.from && hops < maxSuccessors; hops++) {
    entry = catalog.entries.get(entry.retirement.replacedBy) ?? entry;
  }
  if (!entry) return null;
  const version = versionOn(entry, date);
  return { key: `${entry.id}#${version.version}`, tariff: version.tariff };
}

/** Every tariff id's latest definition: which tariffs exist and what unit they price. */
export function latestTariffs(catalog: TariffCatalog): Map<string, Tariff> {
  return new Map([...catalog.entries].map(([id, entry]) => [id, latestVersion(entry).tariff]));
}

export interface PricedShare {
  /** The price list (the version in force, after retirements). */
  tariff: Tariff;
  /** Billable days priced with it. */
  days: number;
  firstDate: string;
  lastDate: string;
}

/**
 * Groups a period's billable local days by the price list in force on each: the tariff the
 * assignment names for the meter that day (tariff-assignment.ts), at its version of that day.
 */
export function pricedShares(catalog: TariffCatalog, assignment: TariffAssignment, meterId: string, sector: string | null, dates: readonly string[]): PricedShare[] {
  const shares = new Map<string, PricedShare>();
  for (const date of dates) {
    const id = tariffIdOn(assignment, meterId, sector, date);
    const priced = priceListOn(catalog, id, date);
    if (priced === null) throw invalidBilling(`assignment of meter ${meterId}`, `unknown tariff "${id}" on ${date}`);
    const share = shares.get(priced.key);
    if (share) {
      share.days++;
      share.lastDate = date;
    } else shares.set(priced.key, { tariff: priced.tariff, days: 1, firstDate: date, lastDate: date });
  }
  return [...shares.values()];
}
