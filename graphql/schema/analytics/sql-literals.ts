/**
 * SQL literals for the few places QuestDB takes no bind parameter (SAMPLE BY units) or where a
 * list of ids is cheaper inline than one query per id (`IN (...)`). Values are quoted with '
 * doubled, QuestDB's only escape in a string literal.
 */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** `('a','b')`; never empty (an empty list matches nothing: `(NULL)`). */
export function sqlStringList(values: readonly string[]): string {
  return values.length === 0 ? '(NULL)' : `(${values.map(sqlString).join(',')})`;
}
