import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

// The fenced code blocks of README.md and docs/*.md, and the info-string convention that says
// what a test does with each (docs/development.md § Examples in the docs):
//
//   <language>[ <kind>][ no-run (<reason>)]
//
// graphql            executed against the test stack (queries, mutations, subscriptions)
// graphql sdl        a fragment of the schema: parsed as SDL
// graphql error-example  deliberately refused: parsed only
// sh|bash|shell|console  executed with bash -e (after the test's substitutions of host, keys and ids), exit 0
// json               parsed
// text, ts, sql, yaml, mermaid, http, conf  shown, not run
// any of them + no-run (<reason>)  not executed, with the reason a reader can check
//
// A block with no info string, an unknown language or kind, or a no-run without a reason is an
// error: a new example is either run or says why not.

export const runnableLanguages = ['graphql', 'sh', 'bash', 'shell', 'console', 'json'] as const;
export const shownLanguages = ['text', 'ts', 'sql', 'yaml', 'mermaid', 'http', 'conf'] as const;
const kinds: Record<string, string[]> = { graphql: ['sdl', 'error-example'] };
export const shellLanguages = new Set(['sh', 'bash', 'shell', 'console']);

export interface DocCodeBlock {
  /** Path from the repository root, e.g. `docs/graphql.md`. */
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  info: string;
  language: string;
  kind: string | null;
  /** The reason of a `no-run (<reason>)`, else null. */
  noRun: string | null;
  code: string;
  /** What is wrong with the info string, else null. */
  problem: string | null;
}

export const repositoryRoot = path.resolve(__dirname, '../../..');

/** README.md and every docs/*.md, read now: pages added later are covered without a list. */
export function docPages(root = repositoryRoot): string[] {
  const docs = readdirSync(path.join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .sort()
    .map((name) => `docs/${name}`);
  return ['README.md', ...docs];
}

export function docCodeBlocks(root = repositoryRoot): DocCodeBlock[] {
  return docPages(root).flatMap((file) => parseCodeBlocks(file, readFileSync(path.join(root, file), 'utf8')));
}

/** Fenced blocks (``` or ~~~, at most three spaces of indent) of one Markdown page. */
export function parseCodeBlocks(file: string, markdown: string): DocCodeBlock[] {
  const lines = markdown.split('\n');
  const blocks: DocCodeBlock[] = [];
  for (let i = 0; i < lines.length; i += 1) {
    const open = /^( {0,3})(`{3,}|~{3,})(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const [, indent = '', fence = '', rawInfo = ''] = open;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !new RegExp(`^ {0,3}${fence[0]}{${fence.length},}\\s*$`).test(lines[j]!)) {
      body.push(lines[j]!.startsWith(indent) ? lines[j]!.slice(indent.length) : lines[j]!);
      j += 1;
    }
    blocks.push({ file, line: i + 1, ...parseInfoString(rawInfo.trim()), code: body.join('\n') });
    i = j;
  }
  return blocks;
}

export function parseInfoString(info: string): Pick<DocCodeBlock, 'info' | 'language' | 'kind' | 'noRun' | 'problem'> {
  const result = { info, language: '', kind: null as string | null, noRun: null as string | null, problem: null as string | null };
  if (!info) return { ...result, problem: 'no info string: name the language (and no-run (<reason>) when it is not run)' };
  const match = /^(\S+)(?:\s+(?!no-run\b)(\S+))?(?:\s+no-run(?:\s*\((.*)\))?)?\s*$/.exec(info);
  if (!match) return { ...result, problem: `unreadable info string "${info}": expected <language>[ <kind>][ no-run (<reason>)]` };
  const [, language = '', kind, reason] = match;
  result.language = language;
  result.kind = kind ?? null;
  const known = [...runnableLanguages, ...shownLanguages] as readonly string[];
  if (!known.includes(language)) return { ...result, problem: `unknown language "${language}" (known: ${known.join(', ')})` };
  if (kind && !(kinds[language] ?? []).includes(kind)) return { ...result, problem: `unknown kind "${kind}" for ${language} (known: ${(kinds[language] ?? []).join(', ') || 'none'})` };
  if (/\bno-run\b/.test(info)) {
    if (!reason?.trim()) return { ...result, problem: 'no-run needs a reason: no-run (<why it cannot run in a test>)' };
    result.noRun = reason.trim();
  }
  return result;
}
