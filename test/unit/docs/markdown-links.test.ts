import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

// Every relative link in the repository's Markdown (README.md, docs/, folder READMEs) must reach a
// file that exists and, when it names an anchor, a heading of that file: pages move (the README's
// sections went to docs/) and a dead link is what a newcomer meets first.

const root = path.resolve(__dirname, '../../..');
const skipped = new Set(['node_modules', '.git', '.stack', 'dist', 'coverage']);

function markdownFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (skipped.has(entry.name)) return [];
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return markdownFiles(full);
    return entry.name.endsWith('.md') ? [full] : [];
  });
}

/** Text outside fenced code blocks, where a `#` line is not a heading. */
function outsideFences(markdown: string): string {
  return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
}

/** Text outside fenced code blocks and inline code, where `[x](y)` is not a link. */
function prose(markdown: string): string {
  return outsideFences(markdown).replace(/`[^`\n]*`/g, '');
}

/** GitHub's heading anchors: lower case, punctuation other than '-' and '_' dropped, spaces to '-', repeats numbered. */
function headingAnchors(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  // Inline code in a heading keeps its text in GitHub's anchor (`a.b` → ab).
  for (const [, text = ''] of outsideFences(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const plain = text.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/[*_`]/g, (c) => (c === '_' ? '_' : ''));
    const slug = plain.toLowerCase().replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/\s/g, '-');
    const count = seen.get(slug) ?? 0;
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
    seen.set(slug, count + 1);
  }
  return anchors;
}

function relativeLinks(markdown: string): string[] {
  return [...prose(markdown).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)]
    .map((m) => m[1] ?? '')
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

describe('Markdown links', () => {
  it('computes anchors the way GitHub does', () => {
    const anchors = headingAnchors('# Title\n## 10. Commands to meters\n## Measured on this machine\n## Title\n```\n# not a heading\n```\n');
    expect([...anchors]).toEqual(['title', '10-commands-to-meters', 'measured-on-this-machine', 'title-1']);
  });

  const files = markdownFiles(root).filter((file) => !file.includes(`${path.sep}test${path.sep}fixtures${path.sep}`) || file.endsWith('README.md'));

  it('finds the README and the docs pages', () => {
    const names = files.map((file) => path.relative(root, file));
    expect(names).toEqual(expect.arrayContaining(['README.md', 'docs/configuration.md', 'docs/contracts.md']));
  });

  it.each(files.map((file) => [path.relative(root, file), file]))('%s: every relative link reaches an existing file and heading', (_name, file) => {
    const markdown = readFileSync(file, 'utf8');
    const broken: string[] = [];
    for (const link of relativeLinks(markdown)) {
      const [target, anchor] = link.split('#') as [string, string | undefined];
      const resolved = target === '' ? file : path.resolve(path.dirname(file), decodeURIComponent(target));
      if (!existsSync(resolved)) {
        broken.push(`${link}: no such file`);
        continue;
      }
      if (anchor !== undefined && resolved.endsWith('.md') && statSync(resolved).isFile()) {
        if (!headingAnchors(readFileSync(resolved, 'utf8')).has(anchor.toLowerCase())) broken.push(`${link}: no such heading`);
      }
    }
    expect(broken).toEqual([]);
  });
});
