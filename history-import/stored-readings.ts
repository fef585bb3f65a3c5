import { deadLettersTable } from '../core/streams/dead-letters';
import { readingsTable } from '../core/streams/readings';
import type { QuestdbPool } from '../core/questdb/questdb-sql';
import type { PlannedReading, RefusedRow } from './history-plan';

const rd = readingsTable.columns;
const dl = deadLettersTable.columns;

/** What of an import the readings table already holds. */
export interface StoredComparison {
  /** Readings to send: instants the table does not hold for the meter. */
  toSend: Map<string, PlannedReading[]>;
  /** Readings the table holds with the same numbers: not sent again. */
  alreadyStored: number;
  /** Readings the table holds with other numbers: refused, never rewritten. */
  differs: RefusedRow[];
}

/**
 * Compares an import with what is stored, meter by meter (one interval scan each): a re-run of
 * the same files sends nothing, and a file that disagrees with stored readings does not
 * silently replace them (the table's DEDUP key would).
 */
export async function compareWithStored(pool: QuestdbPool, meters: Map<string, PlannedReading[]>): Promise<StoredComparison> {
  const toSend = new Map<string, PlannedReading[]>();
  const differs: RefusedRow[] = [];
  let alreadyStored = 0;
  for (const [meterId, planned] of meters) {
    const from = planned[0]!.reading.ts;
    const to = planned[planned.length - 1]!.reading.ts;
    const { rows } = await pool.query<{ ts: Date; register: number | null; value: number | null }>(
      `SELECT ${rd.ts}, ${rd.register}, ${rd.value} FROM readings WHERE ${rd.meter_id} = $1 AND ${rd.ts} >= $2 AND ${rd.ts} <= $3`,
      [meterId, new Date(from).toISOString(), new Date(to).toISOString()],
    );
    const stored = new Map(rows.map((r) => [r.ts.getTime(), r]));
    const fresh: PlannedReading[] = [];
    for (const p of planned) {
      const s = stored.get(p.reading.ts);
      if (!s) fresh.push(p);
      else if (s.register === p.reading.register && s.value === p.reading.value) alreadyStored += 1;
      else {
        differs.push({
          source: p.source,
          reason: 'STORED_READING_DIFFERS',
          detail: `the readings table holds ${meterId} at ${new Date(p.reading.ts).toISOString()} with register ${s.register} and value ${s.value}; this file says register ${p.reading.register} and value ${p.reading.value}`,
          payload: JSON.stringify(p.reading),
          meterId,
        });
      }
    }
    if (fresh.length > 0) toSend.set(meterId, fresh);
  }
  return { toSend, alreadyStored, differs };
}

/** The `import:<file>:<line>` sources already dead-lettered by an earlier run (so a re-run adds no second dead letter). */
export async function deadLetteredSources(pool: QuestdbPool, files: readonly string[]): Promise<Set<string>> {
  const seen = new Set<string>();
  for (const file of files) {
    const { rows } = await pool.query<{ mqtt_topic: string }>(`SELECT DISTINCT ${dl.mqtt_topic} FROM dead_letters WHERE ${dl.bridge_id} = 'import' AND ${dl.mqtt_topic} LIKE $1`, [`${importSourcePrefix(file)}%`]);
    for (const r of rows) seen.add(r.mqtt_topic);
  }
  return seen;
}

/** The dead-letter source of an import row: `import:<file name>:<line>` (docs/contracts.md § 7). */
export function importSource(file: string, line: number): string {
  return `${importSourcePrefix(file)}${line}`;
}

function importSourcePrefix(file: string): string {
  return `import:${file.split(/[\\/]/).pop()}:`;
}

/**
 * Rows per meter with ts in [from, to] now, in one grouped scan (the import's whole span; polled
 * every second while it waits for QuestDB, so not one query per meter).
 */
export async function storedCounts(pool: QuestdbPool, from: number, to: number): Promise<Map<string, number>> {
  const { rows } = await pool.query<{ meter_id: string; n: string | number }>(`SELECT ${rd.meter_id}, count() n FROM readings WHERE ${rd.ts} >= $1 AND ${rd.ts} <= $2 GROUP BY ${rd.meter_id}`, [
    new Date(from).toISOString(),
    new Date(to).toISOString(),
  ]);
  return new Map(rows.map((r) => [r.meter_id, Number(r.n)]));
}
