import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import type { TableSpec } from '../../../core/questdb/table-spec';

/** Column names of each table, read back from its DDL (what QuestDB will have). */
export function tableColumns(tables: readonly TableSpec[]): Map<string, Set<string>> {
  return new Map(
    tables.map((t) => {
      const body = /\(\n([\s\S]*)\n\) TIMESTAMP\(/.exec(t.ddl)?.[1] ?? '';
      return [t.name, new Set(body.split(',\n').map((line) => line.trim().split(' ')[0] as string))];
    }),
  );
}

const keywords = new Set(
  `select from where and or not as group by order asc desc limit sample align to calendar time zone latest on partition
   join left inner outer cross asof lt splice case when then else end is null in like ilike between distinct union all
   with true false fill prev linear none offset having except intersect over rows range preceding following current row
   interval timestamp date int long double string varchar symbol boolean first last cast`.split(/\s+/),
);

/**
 * Identifiers in a SQL statement that name no column of the tables it reads. A heuristic built
 * for meterflow's queries: columns are lower-case snake_case; functions are followed by "(";
 * aliases follow AS, a ")" or another term; CTE names precede "AS ("; Grafana's macros and
 * variables and the bind parameters start with "$"; a placeholder "?" stands for code the SQL
 * was interpolated with (checked by the compiler).
 */
export function unknownColumns(sql: string, columns: Map<string, Set<string>>): string[] {
  const text = sql.replace(/'(?:[^']|'')*'/g, "''").replace(/\$\{[^}]*\}|\$[A-Za-z_]\w*|\$\d+/g, ' ? ');
  const tables = [...text.matchAll(/\b(?:FROM|JOIN)\s+([a-z_][a-z0-9_]*)/gi)].map((m) => m[1] as string).filter((t) => columns.has(t));
  if (tables.length === 0) return [];
  const known = new Set<string>(tables.flatMap((t) => [t, ...(columns.get(t) ?? [])]));
  for (const m of text.matchAll(/\bAS\s+([a-z_][a-z0-9_]*)/gi)) known.add(m[1] as string);
  for (const m of text.matchAll(/([a-z_][a-z0-9_]*)\s+AS\s*\(/gi)) known.add(m[1] as string);
  for (const m of text.matchAll(/(?:\)|\b[a-z_][a-z0-9_]*|\?)[ \t]+([a-z_][a-z0-9_]*)\b(?!\s*\()/g)) {
    if (!keywords.has((m[1] as string).toLowerCase())) known.add(m[1] as string);
  }
  for (const m of text.matchAll(/\b(?:FROM|JOIN)\s+([a-z_][a-z0-9_]*)/gi)) known.add(m[1] as string);
  const unknown = new Set<string>();
  for (const m of text.matchAll(/(?<![\w.$])([a-z_][a-z0-9_]*)\b(?!\s*\()/g)) {
    const word = m[1] as string;
    if (!keywords.has(word) && !known.has(word)) unknown.add(word);
  }
  return [...unknown];
}

/** Every string and template literal of TypeScript files under `dir` that holds a SELECT … FROM, interpolations as "?". */
export function sqlLiterals(dir: string): { file: string; sql: string }[] {
  const found: { file: string; sql: string }[] = [];
  for (const file of walk(dir)) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
    const visit = (node: ts.Node) => {
      let text: string | null = null;
      if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) text = node.text;
      else if (ts.isTemplateExpression(node)) text = node.head.text + node.templateSpans.map((s) => ' ? ' + s.literal.text).join('');
      if (text !== null && /\bSELECT\b[\s\S]*\bFROM\b/i.test(text)) found.push({ file, sql: text });
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return walk(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}
