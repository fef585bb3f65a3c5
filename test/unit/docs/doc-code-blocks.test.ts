import { docCodeBlocks, parseCodeBlocks, parseInfoString } from '../../integration/support/doc-code-blocks';

// The info-string convention of the docs' code blocks (docs/development.md § Examples in the
// docs). The integration test doc-examples.test.ts runs the blocks; this checks the reading of
// them, and the repository's pages, without servers.

describe('parseInfoString', () => {
  it('reads a language alone', () => {
    expect(parseInfoString('graphql')).toEqual({ info: 'graphql', language: 'graphql', kind: null, noRun: null, problem: null });
  });

  it('reads a kind and a no-run reason with spaces and parentheses inside', () => {
    expect(parseInfoString('graphql sdl')).toMatchObject({ language: 'graphql', kind: 'sdl', noRun: null, problem: null });
    expect(parseInfoString('sh no-run (needs a Kubernetes cluster (any))')).toMatchObject({ language: 'sh', kind: null, noRun: 'needs a Kubernetes cluster (any)', problem: null });
    expect(parseInfoString('graphql error-example no-run (refused on purpose)')).toMatchObject({ kind: 'error-example', noRun: 'refused on purpose', problem: null });
  });

  it('refuses no info string, an unknown language or kind, and a no-run without a reason', () => {
    expect(parseInfoString('').problem).toMatch(/^no info string/);
    expect(parseInfoString('python').problem).toMatch(/^unknown language "python"/);
    expect(parseInfoString('sh sdl').problem).toMatch(/^unknown kind "sdl" for sh/);
    expect(parseInfoString('graphql schema').problem).toMatch(/^unknown kind "schema" for graphql \(known: sdl, error-example\)/);
    expect(parseInfoString('sh no-run').problem).toMatch(/^no-run needs a reason/);
    expect(parseInfoString('sh no-run ()').problem).toMatch(/^no-run needs a reason/);
  });
});

describe('parseCodeBlocks', () => {
  it('finds each fenced block with its opening line, info string and body, indented or not', () => {
    const page = ['# t', '', '```sh', 'echo 1', '```', 'text', '  ```graphql', '  { a }', '  ```', '~~~~text', '```', 'inside', '~~~~', ''].join('\n');
    expect(parseCodeBlocks('p.md', page).map(({ line, language, code, problem }) => ({ line, language, code, problem }))).toEqual([
      { line: 3, language: 'sh', code: 'echo 1', problem: null },
      { line: 7, language: 'graphql', code: '{ a }', problem: null },
      { line: 10, language: 'text', code: '```\ninside', problem: null },
    ]);
  });
});

describe("the repository's pages", () => {
  it('README.md and every docs/*.md block carries a known info string', () => {
    const blocks = docCodeBlocks();
    expect(blocks.filter((b) => b.problem).map((b) => `${b.file}:${b.line} ${b.problem}`)).toEqual([]);
    expect(blocks.some((b) => b.file === 'README.md')).toBe(true);
  });
});
