import { renderGraphiQL as cdnGraphiql } from 'graphql-yoga';
import { silentLogger } from '../../../core/logger';
import type { Authenticator } from '../../../graphql/auth/authenticate';
import type { GraphqlServices } from '../../../graphql/context';
import { createMeterflowYoga } from '../../../graphql/yoga';

/**
 * The GraphiQL page as yoga.ts serves it, in process (yoga.fetch, no server): every resource it
 * names is inline (data: URLs), it opens with the configured header, and it is not served when
 * GraphiQL is off. The browser proof is test/integration/graphiql-offline.test.ts.
 */

// The page is requested before any operation: neither services nor credentials are reached.
const unreachable = new Proxy({} as GraphqlServices, { get: (_, name) => (name === 'logger' ? silentLogger : undefined) });
const authenticator: Authenticator = {
  authenticate: () => Promise.reject(new Error('the GraphiQL page must not authenticate')),
} as unknown as Authenticator;

function yoga(graphiql: boolean, graphiqlAuthorization: string | null) {
  return createMeterflowYoga({ services: unreachable, authenticator, plugins: [], graphiql, graphiqlAuthorization, cacheTtlMs: 0 });
}

async function page(graphiql: boolean, graphiqlAuthorization: string | null) {
  const response = await yoga(graphiql, graphiqlAuthorization).fetch('http://localhost/graphql', { headers: { accept: 'text/html' } });
  return { status: response.status, type: response.headers.get('content-type'), body: await response.text() };
}

/**
 * URLs the page makes the browser load by itself: src/href attributes of its markup and url() or
 * @import in its styles, other than data: and blob:. Script bodies are left out (their code is
 * not markup; what it fetches at run time is the browser test's part).
 */
function outsideResources(html: string): string[] {
  const styles = [...html.matchAll(/<style\b[^>]*>([\s\S]*?)<\/style>/gi)].map((m) => m[1] as string).join('\n');
  const markup = html.replace(/<(script|style)\b([^>]*)>[\s\S]*?<\/\1>/gi, '<$1$2></$1>');
  const found = [
    ...[...markup.matchAll(/\s(?:src|href)\s*=\s*["']?([^"'\s>]+)/gi)].map((m) => m[1] as string),
    ...[...styles.matchAll(/url\(\s*["']?([^"')\s]+)|@import\s+["']([^"']+)/gi)].map((m) => (m[1] ?? m[2]) as string),
  ];
  return found.filter((url) => !/^(data|blob):/i.test(url));
}

/** The options the page hands GraphiQL: the JSON after the root element in its last script. */
function graphiqlOptions(html: string): Record<string, unknown> {
  const m = /renderYogaGraphiQL\(\s*window\.document\.querySelector\('#root'\),\s*(\{.*\}),\s*\);\s*<\/script>\s*<\/body>/s.exec(html.slice(-2000));
  if (!m) throw new Error(`no GraphiQL options at the end of the page: ${html.slice(-300)}`);
  return JSON.parse(m[1] as string) as Record<string, unknown>;
}

describe('the GraphiQL page', () => {
  it('yoga\'s own page loads from outside, which the check sees (the check can fail)', () => {
    // Its favicon, its stylesheet and its script, each from a public host.
    expect(outsideResources(cdnGraphiql({})).map((url) => new URL(url).protocol)).toEqual(['https:', 'https:', 'https:']);
  });

  it('names no resource outside itself: scripts, styles, workers, fonts and favicon are inline', async () => {
    const { status, type, body } = await page(true, null);
    expect({ status, type }).toEqual({ status: 200, type: 'text/html' });
    expect(outsideResources(body)).toEqual([]);
    // The favicon is there, as a data: URL.
    expect(/<link rel="icon" href="data:image\/x-icon;base64,/.test(body)).toBe(true);
  }, 60_000);

  it('opens with the development Authorization header when one is given, and none otherwise', async () => {
    // GraphiQL takes the headers editor's initial text, a JSON document itself.
    expect(graphiqlOptions((await page(true, 'ApiKey meterflow-dev-admin-key')).body)).toEqual({ headers: '{"authorization":"ApiKey meterflow-dev-admin-key"}' });
    const without = (await page(true, null)).body;
    expect(graphiqlOptions(without)).toEqual({});
    expect(without.includes('meterflow-dev-admin-key')).toBe(false);
  }, 60_000);

  it('is not served when GraphiQL is off (production)', async () => {
    const { status, type, body } = await page(false, null);
    // yoga takes the GET as a GraphQL request, and text/html is no GraphQL response type: 406.
    expect({ status, html: type?.includes('text/html') ?? false, graphiql: body.includes('YogaGraphiQL') }).toEqual({ status: 406, html: false, graphiql: false });
  }, 60_000);
});
