import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { Reading } from '../../core/contracts';
import { createRandom } from '../../core/seeded-random';
import { main as backupCommand } from '../../deploy/backup/backup-command';
import type { BackupManifest } from '../../deploy/backup/backup-manifest';
import { readingsGroupId } from '../../processors/topology';
import { createPrivateQuestdb, type PrivateQuestdb } from './support/private-questdb';
import { startTestProcessors, waterReading, type TestProcessors } from './support/processors-harness';
import { createTestPipeline, meterIdLike, storedReadings, walApplied, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';

// The issue's own words: ingest, back up mid-stream, keep ingesting, destroy the data folder,
// restore, resume — every reading exactly once and every invoice identical to a run without the
// disaster. The disaster run has a QuestDB of its own (stopped, its data deleted, restored); the
// reference run is the same readings, other meter ids, through processors on the shared stack.

const hour = 3_600_000;
const meters = 4;
const start = Date.UTC(2026, 0, 1);
const hours = 90 * 24; // 1 January .. 31 March 2026, hourly
const chunks = 10;

/** Each meter's hourly register (litres), 0–40 L an hour from a seeded PRNG: about 14 m³ a month. */
function history(prefix: string): Reading[][] {
  const random = createRandom(20261201);
  const registers = Array.from({ length: meters }, (_, m) => 100_000 * (m + 1));
  const all: Reading[] = [];
  for (let h = 0; h < hours; h += 1) {
    for (let m = 0; m < meters; m += 1) {
      registers[m]! += Math.floor(random() * 41);
      all.push(waterReading(`${prefix}-m${m}`, start + h * hour, { register: registers[m]! }));
    }
  }
  // Time order, all meters interleaved, cut in chunks as a live feed would arrive.
  const size = Math.ceil(all.length / chunks);
  return Array.from({ length: chunks }, (_, i) => all.slice(i * size, (i + 1) * size));
}

interface InvoiceRow {
  invoice: string;
  status: string;
  period_label: string;
  consumption: number;
  total_cents: string;
  line_count: string;
  gaps: string;
}

async function finalInvoices(pipeline: TestPipeline, prefix: string): Promise<InvoiceRow[]> {
  const { rows } = await pipeline.questdb.query<InvoiceRow & { invoice_id: string }>(
    `SELECT invoice_id, status, period_label, consumption, total_cents, line_count, gaps FROM invoices WHERE ${meterIdLike} AND status = 'final' ORDER BY invoice_id`,
    [`${prefix}-%`],
  );
  // Meter ids differ between the two runs: compare what follows them.
  return rows.map(({ invoice_id, ...r }) => ({ ...r, invoice: invoice_id.slice(prefix.length), total_cents: String(r.total_cents), line_count: String(r.line_count), gaps: String(r.gaps) }));
}

describe('backup and restore (private QuestDB, shared Kafka)', () => {
  let dir: string;
  let questdb: PrivateQuestdb;
  let disaster: TestPipeline;
  let reference: TestPipeline;
  let processors: TestProcessors | null = null;
  let refProcessors: TestProcessors | null = null;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'meterflow-backup-'));
    questdb = await createPrivateQuestdb(path.join(dir, 'stack'));
    await questdb.start();
    disaster = createTestPipeline(questdb.env);
    reference = createTestPipeline();
  }, 180_000);

  afterAll(async () => {
    await processors?.stop();
    await refProcessors?.stop();
    await disaster?.stopAll();
    await reference?.stopAll();
    await questdb?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  }, 120_000);

  it('restores a backup taken mid-stream: every reading once, every invoice as without the disaster', async () => {
    // Not the run id alone: the harness's tick meters (closeThrough) are named after it too.
    const prefix = `${disaster.runId}-bk`;
    const refPrefix = `${reference.runId}-bk`;
    const feed = history(prefix);
    const refFeed = history(refPrefix);
    const sent = feed.reduce((n, c) => n + c.length, 0);
    // Groups and topic prefix of this run; the command reads them from the environment like a service.
    const env = { ...process.env, ...disaster.env, MF_PROCESSORS_GROUP_ID: `${disaster.runId}-processors` };
    const output: string[] = [];
    const run = (argv: string[]) => backupCommand(argv, env, (line) => output.push(line));

    await disaster.startSink();
    processors = await startTestProcessors(disaster);
    refProcessors = await startTestProcessors(reference);
    for (const chunk of refFeed) await refProcessors.send(chunk);

    // Ingest, then back up while the next chunks keep arriving.
    for (const chunk of feed.slice(0, 4)) await processors.send(chunk);
    await waitFor('some readings stored', () => storedReadings(disaster, prefix), (s) => s.n > 0, 60_000, 200);
    // …and some processed and checkpointed, so the backup holds processor state to resume from.
    const processorsGroup = readingsGroupId(`${disaster.runId}-processors`);
    const committedSum = async (groupId: string) => (await disaster.kafka.committedOffsets(groupId)).flatMap((t) => t.partitions).reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
    await waitFor('the processors to commit', () => committedSum(processorsGroup), (n) => n > 0, 120_000, 500);
    const backupDir = path.join(dir, 'backup');
    const sending = (async () => {
      for (const chunk of feed.slice(4, 7)) {
        await processors!.send(chunk);
        await new Promise((r) => setTimeout(r, 300));
      }
    })();
    expect(await run(['create', '--to', backupDir, '--questdb-root', questdb.root])).toBe(0);
    await sending;
    for (const chunk of feed.slice(7, 9)) await processors.send(chunk);

    const manifest = JSON.parse(readFileSync(path.join(backupDir, 'manifest.json'), 'utf8')) as BackupManifest;
    const recorded = (groupId: string) =>
      manifest.groups.find((g) => g.groupId === groupId)!.topics.flatMap((t) => t.partitions).reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
    // Mid-stream: the sink had stored some of the first nine chunks, not all.
    const sinkAtBackup = recorded(`${disaster.runId}-sink`);
    expect(sinkAtBackup).toBeGreaterThan(0);
    expect(sinkAtBackup).toBeLessThan(feed.slice(0, 9).reduce((n, c) => n + c.length, 0));
    expect(recorded(processorsGroup)).toBeGreaterThan(0);

    // Everything up to chunk 9 is stored before the disaster strikes.
    await waitFor('the sink to store nine chunks', () => disaster.kafka.groupLag(`${disaster.runId}-sink`, disaster.topics.readings.name), (lag) => lag === 0, 120_000, 300);
    await processors.caughtUp();
    await waitFor('readings applied', () => walApplied(disaster.questdb, 'readings'), (ok) => ok, 60_000, 200);
    const beforeDisaster = await storedReadings(disaster, prefix);
    expect(beforeDisaster.n).toBe(feed.slice(0, 9).reduce((n, c) => n + c.length, 0));

    // A restore while the groups run is refused, and changes nothing.
    output.length = 0;
    expect(await run(['restore', '--from', backupDir, '--questdb-root', questdb.root])).toBe(1);
    expect(output.join('\n')).toMatch(/BACKUP_REFUSED: consumer groups still running: .*-sink/);
    expect(existsSync(path.join(questdb.root, '_restore'))).toBe(false);

    // The disaster: services down, QuestDB down, its data folder deleted.
    await processors.stop();
    processors = null;
    await disaster.sink!.stop();
    disaster.sink = null;
    await questdb.stop();
    questdb.destroyData();
    expect(existsSync(path.join(questdb.root, 'db'))).toBe(false);

    // The sink and processors left their groups on stop; Kafka may take a moment to show them empty.
    for (const g of manifest.groups) await waitFor(`${g.groupId} empty`, () => disaster.kafka.groupMembership(g.groupId), (m) => m.members === 0, 60_000, 500);
    output.length = 0;
    expect(await run(['restore', '--from', backupDir, '--questdb-root', questdb.root])).toBe(0);
    expect(existsSync(path.join(questdb.root, '_restore'))).toBe(true);
    await questdb.start();
    expect(existsSync(path.join(questdb.root, '_restore'))).toBe(false);
    // QuestDB is back at the backup: fewer readings than before the disaster, at least what the sink had committed.
    // Every table rolled back whole: nothing suspended, nothing left to apply.
    await waitFor(
      'every table applied after the restore',
      () => disaster.questdb.query<{ name: string; writerTxn: string; sequencerTxn: string; suspended: boolean }>('SELECT name, writerTxn, sequencerTxn, suspended FROM wal_tables()').then((r) => r.rows.map((t) => `${t.name} ${t.writerTxn}/${t.sequencerTxn}${t.suspended ? ' suspended' : ''}`)),
      (tables) => tables.length > 0 && tables.every((t) => /^\S+ (\d+)\/\1$/.test(t)),
      60_000,
      500,
    );
    const restored = await storedReadings(disaster, prefix);
    expect(restored.n).toBeGreaterThanOrEqual(sinkAtBackup);
    expect(restored.n).toBeLessThan(beforeDisaster.n);

    // Resume: the services replay from the backup's offsets, and the feed goes on.
    await disaster.startSink();
    processors = await startTestProcessors(disaster);
    await processors.send(feed[9]!);
    const closeAt = Date.UTC(2026, 3, 10);
    await processors.closeThrough(closeAt);
    await refProcessors.closeThrough(closeAt);
    await waitFor('the sink to catch up', () => disaster.kafka.groupLag(`${disaster.runId}-sink`, disaster.topics.readings.name), (lag) => lag === 0, 120_000, 300);
    await processors.caughtUp();
    await refProcessors.caughtUp();
    for (const table of ['readings', 'invoices']) await waitFor(`${table} applied`, () => walApplied(disaster.questdb, table), (ok) => ok, 60_000, 200);

    // Every reading exactly once.
    expect(await storedReadings(disaster, prefix)).toEqual({ n: sent, pairs: sent });
    // Every invoice as the run without the disaster made it: January, February and March of each meter.
    const refInvoices = await waitFor('the reference invoices', () => finalInvoices(reference, refPrefix), (rows) => rows.length === meters * 3, 60_000, 500);
    const invoices = await waitFor('the restored run invoices', () => finalInvoices(disaster, prefix), (rows) => rows.length === meters * 3, 60_000, 500);
    expect(invoices).toEqual(refInvoices);
  }, 600_000);
});
