import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';

// Grafana publishes its dashboard schema as TypeScript (@grafana/schema, generated from the
// CUE kinds), not as JSON schema. Each provisioned file is pasted into a module as an object
// literal typed `Dashboard` and type-checked: contextual typing checks every field, literal
// and nested panel the schema describes, and extra properties are errors.
const dir = join(__dirname, '..', '..', '..', 'deploy', 'grafana', 'dashboards');
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

function schemaErrors(sources: Record<string, string>): Record<string, string[]> {
  const options: ts.CompilerOptions = { strict: true, noEmit: true, module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler, target: ts.ScriptTarget.ES2022, skipLibCheck: true, types: [] };
  const root = join(__dirname, '..', '..', '..');
  const virtual = new Map(Object.entries(sources).map(([name, text]) => [join(root, `${name}.ts`), text]));
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  const getSourceFile = host.getSourceFile.bind(host);
  host.readFile = (file) => virtual.get(file) ?? readFile(file);
  host.fileExists = (file) => virtual.has(file) || ts.sys.fileExists(file);
  host.getSourceFile = (file, language) => (virtual.has(file) ? ts.createSourceFile(file, virtual.get(file)!, language) : getSourceFile(file, language));
  const program = ts.createProgram([...virtual.keys()], options, host);
  const out: Record<string, string[]> = {};
  for (const [file, name] of [...virtual.keys()].map((f, i) => [f, Object.keys(sources)[i]!] as const)) {
    const diagnostics = [...program.getSemanticDiagnostics(program.getSourceFile(file)), ...program.getSyntacticDiagnostics(program.getSourceFile(file))];
    out[name] = diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n').split('\n')[0]!);
  }
  return out;
}

// Annotation targets are typed by their datasource (AnnotationQuery<TQuery extends DataQuery>):
// the PostgreSQL datasource's query model, which the panels' targets use too.
const asModule = (json: string) => `import type { AnnotationQuery, Dashboard, DataQuery } from '@grafana/schema';
interface SqlQuery extends DataQuery { editorMode?: 'code' | 'builder'; format?: 'table' | 'time_series'; rawQuery?: boolean; rawSql?: string }
type SqlDashboard = Omit<Dashboard, 'annotations'> & { annotations?: { list?: AnnotationQuery<SqlQuery>[] } };
export const dashboard: SqlDashboard = ${json};
`;

describe('dashboards against Grafana\'s dashboard schema (@grafana/schema)', () => {
  const sources = Object.fromEntries(files.map((f) => [f.replace('.json', ''), asModule(readFileSync(join(dir, f), 'utf8'))]));
  // The control: the same check must reject a dashboard that breaks the schema.
  const broken = JSON.parse(readFileSync(join(dir, files[0]!), 'utf8')) as Record<string, unknown>;
  sources['broken-control'] = asModule(JSON.stringify({ ...broken, graphTooltip: 'crosshair', schemaVersion: '41', refresh: 60 }));
  let errors: Record<string, string[]>;

  beforeAll(() => {
    errors = schemaErrors(sources);
  }, 60_000);

  it('there are dashboards to check', () => {
    expect(files.length).toBe(5);
  });

  it.each(files.map((f) => f.replace('.json', '')))('%s type-checks as a Grafana Dashboard', (name) => {
    expect(errors[name]).toEqual([]);
  });

  it('a dashboard with wrongly typed fields is rejected (the check can fail)', () => {
    expect(errors['broken-control']!.length).toBeGreaterThan(0);
  });
});
