import { isMeterflowError } from '../../../../core/errors';
import { backupFormat, parseManifest } from '../../../../deploy/backup/backup-manifest';

const valid = {
  format: backupFormat,
  createdAt: '2026-12-01T16:00:00.000Z',
  questdb: { build: 'QuestDB 9.2.0', copiedBy: 'files', files: 3, bytes: 4096, tables: [{ name: 'readings', txn: 12 }] },
  groups: [{ groupId: 'meterflow-raw-readings-sink', topics: [{ topic: 'meterflow.readings', partitions: [{ partition: 0, offset: '42' }] }] }],
};

function error(text: string): string {
  try {
    parseManifest(text, '/b/manifest.json');
  } catch (e) {
    if (isMeterflowError(e, 'BACKUP_INVALID')) return e.message;
    throw e;
  }
  throw new Error('accepted');
}

describe('parseManifest', () => {
  it('reads a manifest back as written', () => {
    expect(parseManifest(JSON.stringify(valid), 'm.json')).toEqual(valid);
  });

  it('refuses another format, naming the file', () => {
    expect(error(JSON.stringify({ ...valid, format: 'other/2' }))).toBe('/b/manifest.json: format is "other/2", expected "meterflow-backup/1" (not a meterflow backup, or of another version)');
    expect(error('{')).toMatch(/^\/b\/manifest.json is not JSON/);
  });

  it('names the bad field', () => {
    const bad = { ...valid, groups: [{ groupId: 'g', topics: [{ topic: 't', partitions: [{ partition: 0, offset: 'forty' }] }] }] };
    expect(error(JSON.stringify(bad))).toMatch(/^\/b\/manifest.json: groups.0.topics.0.partitions.0.offset: /);
  });
});
