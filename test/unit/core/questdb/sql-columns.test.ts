import { join } from 'node:path';
import { questdbTables } from '../../../../core/contracts/questdb-tables';
import { allDashboards, panelQueries } from '../../../../dashboards/index';
import { sqlLiterals, tableColumns, unknownColumns } from '../../support/sql-column-check';

// Renaming a column is one edit of its table spec when SQL names columns through
// table.columns: the compiler then finds every query. This catches the SQL that still spells a
// column by hand: a name that is no column of the tables the statement reads fails here, before
// QuestDB refuses the query at run time.
const columns = tableColumns(Object.values(questdbTables));
const root = join(__dirname, '..', '..', '..', '..');

describe('column names in SQL', () => {
  it('the check finds a column a table does not have, and accepts aliases, functions, macros and binds', () => {
    expect(unknownColumns('SELECT ts AS time, avg(value) AS v, meter FROM readings WHERE meter_id = $1 AND $__timeFilter(ts)', columns)).toEqual(['meter']);
    expect(unknownColumns("SELECT ts, sum(count) n, min(min) lo FROM rollups WHERE scope = 'x' ORDER BY ts", columns)).toEqual([]);
    expect(unknownColumns('SELECT r.meter_id FROM readings r WHERE r.kind = $kind', columns)).toEqual([]);
  });

  it.each(allDashboards().flatMap((d) => panelQueries(d).map((q) => [`${q.dashboardUid} / ${q.panelTitle}`, q.rawSql ?? ''] as const)))(
    'dashboard %s names only columns of its tables',
    (_where, sql) => {
      expect(unknownColumns(sql, columns)).toEqual([]);
    },
  );

  it.each(sqlLiterals(join(root, 'graphql')).map(({ file, sql }) => [`${file.slice(root.length + 1)}: ${sql.replace(/\s+/g, ' ').slice(0, 60)}`, sql] as const))(
    '%s names only columns of its tables',
    (_where, sql) => {
      expect(unknownColumns(sql, columns)).toEqual([]);
    },
  );
});
