/**
 * Readers shared by the deployment tests: the repository's deploy files, Compose-style
 * variable interpolation, Dockerfile instructions, the local stack's settings as written in
 * its sources, and the import closure of a service's entry point. No servers, no network.
 */
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { parseAllDocuments, parse as parseYaml } from 'yaml';

export const repoRoot = path.resolve(__dirname, '../../..');
export const deployDir = path.join(repoRoot, 'deploy');

export function readRepoFile(relative: string): string {
  return readFileSync(path.join(repoRoot, relative), 'utf8');
}

/** One YAML document, with merge keys (`<<: *anchor`) resolved as Compose resolves them. */
export function parseYamlFile(relative: string): unknown {
  return parseYaml(readRepoFile(relative), { merge: true });
}

/** Every non-empty document of a multi-document YAML file. */
export function parseYamlDocuments(relative: string): Record<string, unknown>[] {
  return parseAllDocuments(readRepoFile(relative), { merge: true })
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`${relative}: ${doc.errors.map((e) => e.message).join('; ')}`);
      return doc.toJS() as unknown;
    })
    .filter((d): d is Record<string, unknown> => d !== null && typeof d === 'object');
}

/** KEY=value lines of an env file (comments and blank lines skipped). */
export function parseEnvFile(text: string): Map<string, string> {
  const vars = new Map<string, string>();
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const eq = trimmed.indexOf('=');
    if (eq <= 0) throw new Error(`not KEY=value: ${line}`);
    vars.set(trimmed.slice(0, eq), trimmed.slice(eq + 1));
  }
  return vars;
}

export interface VariableUse {
  name: string;
  /** `-`/`:-` default, `?`/`:?` required, `+`/`:+` alternative, or none. */
  operator: '' | '-' | ':-' | '?' | ':?' | '+' | ':+';
  argument: string;
}

const variablePattern = /\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** The variables a string refers to, in Compose's interpolation syntax (`$$` is a literal `$`). */
export function variableUses(text: string): VariableUse[] {
  const uses: VariableUse[] = [];
  for (const m of text.matchAll(variablePattern)) {
    if (m[0] === '$$') continue;
    uses.push({ name: (m[1] ?? m[4]) as string, operator: (m[2] ?? '') as VariableUse['operator'], argument: m[3] ?? '' });
  }
  return uses;
}

/** Compose interpolation of one string; a required variable that is unset or empty throws. */
export function interpolate(text: string, env: ReadonlyMap<string, string>): string {
  return text.replace(variablePattern, (whole: string, braced?: string, operator?: string, argument?: string, bare?: string) => {
    if (whole === '$$') return '$';
    const name = (braced ?? bare) as string;
    const value = env.get(name);
    const unset = value === undefined;
    const empty = unset || value === '';
    switch (operator) {
      case ':-':
        return empty ? (argument ?? '') : (value as string);
      case '-':
        return unset ? (argument ?? '') : (value as string);
      case ':?':
        if (empty) throw new Error(`required variable ${name} is unset or empty: ${argument}`);
        return value as string;
      case '?':
        if (unset) throw new Error(`required variable ${name} is unset: ${argument}`);
        return value as string;
      case ':+':
        return empty ? '' : (argument ?? '');
      case '+':
        return unset ? '' : (argument ?? '');
      default:
        return value ?? '';
    }
  });
}

/** Every string in a parsed YAML tree (values only, not keys). */
export function* stringsIn(node: unknown): Generator<string> {
  if (typeof node === 'string') yield node;
  else if (Array.isArray(node)) for (const item of node) yield* stringsIn(item);
  else if (node && typeof node === 'object') for (const value of Object.values(node)) yield* stringsIn(value);
}

/** The tree with every string value interpolated. */
export function interpolateTree(node: unknown, env: ReadonlyMap<string, string>): unknown {
  if (typeof node === 'string') return interpolate(node, env);
  if (Array.isArray(node)) return node.map((item) => interpolateTree(item, env));
  if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, interpolateTree(v, env)]));
  return node;
}

export interface DockerInstruction {
  keyword: string;
  args: string;
  line: number;
}

/** Dockerfile instructions with line continuations joined and comments dropped. */
export function parseDockerfile(text: string): DockerInstruction[] {
  const instructions: DockerInstruction[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = lines[i] as string;
    if (/^\s*(#|$)/.test(line)) continue;
    while (line.endsWith('\\') && i + 1 < lines.length) {
      i++;
      const next = lines[i] as string;
      if (/^\s*#/.test(next)) continue;
      line = `${line.slice(0, -1)} ${next.trim()}`;
    }
    const m = /^\s*(\S+)\s*(.*)$/.exec(line);
    if (m) instructions.push({ keyword: (m[1] as string).toUpperCase(), args: (m[2] as string).trim(), line: start + 1 });
  }
  return instructions;
}

/** Options (`--from=build`) and operands of a COPY/ADD instruction; the last operand is the destination. */
export function copyOperands(args: string): { options: Map<string, string>; sources: string[]; destination: string } {
  const words = args.startsWith('[') ? (JSON.parse(args) as string[]) : args.split(/\s+/);
  const options = new Map<string, string>();
  const operands: string[] = [];
  for (const word of words) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(word);
    if (m && operands.length === 0) options.set(m[1] as string, m[2] ?? '');
    else operands.push(word);
  }
  const destination = operands.pop();
  if (destination === undefined || operands.length === 0) throw new Error(`COPY needs a source and a destination: ${args}`);
  return { options, sources: operands, destination };
}

/**
 * `.dockerignore` semantics for the paths the tests ask about: patterns in order, the last one
 * that matches a path or one of its parent folders decides; `!` re-includes.
 */
export function dockerIgnored(patterns: string[], relativePath: string): boolean {
  const toRegex = (pattern: string) =>
    new RegExp(
      `^${pattern
        .replace(/\/+$/, '')
        .split('/')
        .map((part) => (part === '**' ? '.*' : part.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]')))
        .join('/')
        .replace(/\.\*\//g, '(?:.*/)?')}$`,
    );
  const parts = relativePath.split('/');
  const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  let ignored = false;
  for (const raw of patterns) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    const regex = toRegex(negate ? line.slice(1) : line);
    if (candidates.some((c) => regex.test(c))) ignored = !negate;
  }
  return ignored;
}

/** `key=value` string literals in a TypeScript source (how the local stack writes server configs). */
export function propertyLiterals(source: string): Map<string, string> {
  const found = new Map<string, string>();
  for (const m of source.matchAll(/'([a-z][a-z0-9.]*)=([^'$`]*)'/g)) found.set(m[1] as string, m[2] as string);
  return found;
}

export interface ImportClosure {
  /** Repository-relative .ts files the entry point loads at run time. */
  files: Set<string>;
  /** Bare package names imported at run time (type-only imports excluded). */
  packages: Set<string>;
}

/**
 * Files and packages TypeScript entry points need at run time (type-only imports are erased;
 * `require.resolve('pkg')` counts: a file read from the package is a use of it).
 */
export function runtimeImportClosure(entry: string | string[]): ImportClosure {
  const files = new Set<string>();
  const packages = new Set<string>();
  const pending = [entry].flat();
  while (pending.length > 0) {
    const file = pending.pop() as string;
    if (files.has(file)) continue;
    files.add(file);
    const source = ts.createSourceFile(file, readRepoFile(file), ts.ScriptTarget.ES2022, false);
    const specifiers: string[] = [];
    const visit = (node: ts.Node) => {
      if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly) {
        const named = node.importClause?.namedBindings;
        const allTypes = !node.importClause?.name && named && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly);
        if (!allTypes) specifiers.push((node.moduleSpecifier as ts.StringLiteral).text);
      } else if (ts.isExportDeclaration(node) && !node.isTypeOnly && node.moduleSpecifier) {
        specifiers.push((node.moduleSpecifier as ts.StringLiteral).text);
      } else if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteral(node.arguments[0] as ts.Expression)) {
        const callee = node.expression;
        const isRequire = (e: ts.Expression) => ts.isIdentifier(e) && e.text === 'require';
        const isResolve = ts.isPropertyAccessExpression(callee) && isRequire(callee.expression) && callee.name.text === 'resolve';
        if (isRequire(callee) || isResolve || callee.kind === ts.SyntaxKind.ImportKeyword) {
          specifiers.push((node.arguments[0] as ts.StringLiteral).text);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
    for (const spec of specifiers) {
      if (spec.startsWith('node:')) continue;
      if (spec.startsWith('.')) {
        const base = path.posix.join(path.posix.dirname(file), spec);
        const resolved = [`${base}.ts`, `${base}/index.ts`, base].find((candidate) => existsSync(path.join(repoRoot, candidate)) && candidate.endsWith('.ts'));
        if (!resolved) throw new Error(`${file}: cannot resolve ${spec}`);
        pending.push(resolved);
      } else {
        const parts = spec.split('/');
        packages.add(spec.startsWith('@') ? `${parts[0]}/${parts[1]}` : (parts[0] as string));
      }
    }
  }
  return { files, packages };
}

/** Go-style durations as Compose writes them (`45s`, `1m30s`), in seconds. */
export function durationSeconds(text: string): number {
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001, us: 0.000001 };
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(h|ms|us|m|s)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) throw new Error(`not a duration: ${text}`);
  return parts.reduce((sum, p) => sum + Number(p[1]) * (units[p[2] as string] as number), 0);
}
