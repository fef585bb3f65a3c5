import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { questdbTables } from '../../../../core/contracts/questdb-tables';

// CREATE TABLE IF NOT EXISTS leaves a table that exists as it is: an edited DDL would create a
// different table on a new deployment than the one every running deployment has. The statements
// are pinned byte for byte, so changing a table is a deliberate edit of this fixture (with a
// migration), never a side effect of how a table spec is written.
const pinned = JSON.parse(readFileSync(join(__dirname, '../../../fixtures/questdb-ddl.json'), 'utf8')) as Record<string, string>;

describe('QuestDB DDL', () => {
  it('declares exactly the pinned tables', () => {
    expect(Object.values(questdbTables).map((t) => t.name).sort()).toEqual(Object.keys(pinned).sort());
  });

  it.each(Object.values(questdbTables).map((t) => [t.name, t.ddl] as const))('%s: DDL is the pinned statement, byte for byte', (name, ddl) => {
    expect(ddl).toBe(pinned[name]);
  });
});
