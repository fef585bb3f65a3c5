import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import puppeteer, { type Browser, type HTTPRequest, type Page } from 'puppeteer-core';
import type { RawProducer } from '../../core/kafka';
import { encodeAlert, type AlertEvent } from '../../core/streams/alerts';
import { startTestGraphql, type GraphqlHarness } from './support/graphql-harness';
import { createTestPipeline, type TestPipeline } from './support/test-services';
import { waitFor } from './support/wait-for';

/**
 * GraphiQL in an air-gapped network: headless Chromium (Debian's package, as CI installs it)
 * reaches only 127.0.0.1 — request interception aborts anything else and the host resolver
 * answers NOTFOUND for every other name — yet the page loads with no failed request, opens
 * with the development admin key in its headers, runs a typed query and a subscription (SSE)
 * and shows their data. The screenshot is kept in test/artifacts/ (git-ignored).
 */

const artifacts = join(__dirname, '..', 'artifacts');
const devAdminKey = 'meterflow-dev-admin-key';

function chromiumPath(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  return execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim();
}

function isLocal(url: string): boolean {
  const { protocol, hostname } = new URL(url);
  // data: and blob: never leave the browser (the page's fonts and editor workers are both).
  return protocol === 'data:' || protocol === 'blob:' || hostname === '127.0.0.1' || hostname === 'localhost';
}

describe('GraphiQL with no outside network (headless Chromium)', () => {
  let pipeline: TestPipeline;
  let graphql: GraphqlHarness;
  let producer: RawProducer;
  let browser: Browser;
  let page: Page;
  let meterId: string;
  let label: string;
  const blocked: string[] = [];
  const failed: string[] = [];
  const pageErrors: string[] = [];

  /**
   * The text of a Monaco editor in `scope`: its line elements in the order of their position
   * (Monaco reuses them, so document order may differ), spaces drawn as U+00A0 made spaces again.
   */
  const editorText = (scope: string) =>
    page.$$eval(`${scope} .monaco-editor .view-lines .view-line`, (lines) =>
      lines
        .map((line) => ({ top: parseFloat((line as HTMLElement).style.top), text: (line as HTMLElement).innerText.replace(/\u00a0/g, ' ') }))
        .sort((a, b) => a.top - b.top)
        .map((line) => line.text)
        .join('\n')
        .trim(),
    );

  /** Replaces the query editor's text by typing, as a user would. */
  async function typeQuery(query: string): Promise<void> {
    await page.click('.graphiql-query-editor .monaco-editor .view-lines');
    await page.keyboard.down('Control');
    await page.keyboard.press('KeyA');
    await page.keyboard.up('Control');
    await page.keyboard.press('Backspace');
    await page.keyboard.type(query);
    // Close an open completion list, which would otherwise take the next key.
    await page.keyboard.press('Escape');
    // Monaco closes brackets and quotes itself and types over them: the text must be exactly ours.
    await waitFor('the typed query in the editor', () => editorText('.graphiql-query-editor'), (text) => text === query, 30_000, 100);
  }

  /** The response pane's JSON once `done` accepts it. */
  async function response(what: string, done: (text: string) => boolean, timeoutMs = 60_000): Promise<unknown> {
    const text = await waitFor(what, () => editorText('.graphiql-response').catch(() => ''), done, timeoutMs, 200);
    return JSON.parse(text);
  }

  beforeAll(async () => {
    pipeline = createTestPipeline();
    // No configured credentials, development mode: the built-in keys are on and GraphiQL opens
    // with the dev admin key in its headers (graphiqlAuthorization).
    graphql = await startTestGraphql(pipeline, { MF_GRAPHQL_API_KEYS: '', MF_GRAPHQL_API_KEYS_FILE: '', MF_GRAPHQL_MODE: 'development', MF_GRAPHQL_GRAPHIQL: 'auto' });
    producer = await pipeline.kafka.createProducer();
    meterId = `${pipeline.runId}-gq`;
    label = `GraphiQL offline ${pipeline.runId}`;
    const registered = await graphql.request(
      `mutation ($m: ID!, $input: MeterInput!) { registerMeter(meterId: $m, input: $input) { id } }`,
      { m: meterId, input: { kind: 'water', sector: `${pipeline.runId}-s1`, label } },
      devAdminKey,
    );
    expect(registered.errors).toBeUndefined();

    browser = await puppeteer.launch({
      executablePath: chromiumPath(),
      headless: true,
      // Every name but localhost resolves to nothing, for requests the page interception cannot
      // see (workers, the browser's own).
      args: ['--no-sandbox', '--disable-gpu', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1'],
      protocolTimeout: 180_000,
    });
    page = await browser.newPage();
    page.setDefaultTimeout(90_000);
    await page.setRequestInterception(true);
    page.on('request', (request: HTTPRequest) => {
      if (isLocal(request.url())) {
        void request.continue();
      } else {
        blocked.push(`${request.method()} ${request.url()}`);
        void request.abort('blockedbyclient');
      }
    });
    page.on('requestfailed', (request) => {
      if (isLocal(request.url())) failed.push(`${request.method()} ${request.url()}: ${request.failure()?.errorText}`);
    });
    page.on('response', (r) => {
      if (r.status() >= 400) failed.push(`${r.request().method()} ${r.url()}: HTTP ${r.status()}`);
    });
    page.on('pageerror', (e) => pageErrors.push(String(e)));
    await page.setViewport({ width: 1400, height: 900, deviceScaleFactor: 1 });
    await page.goto(graphql.url, { waitUntil: 'load', timeout: 120_000 });
    try {
      await page.waitForSelector('.graphiql-query-editor .monaco-editor .view-lines', { visible: true });
      await page.waitForSelector('.graphiql-execute-button', { visible: true });
    } catch (error) {
      // A page that needs the outside world stays blank: say what it asked for.
      throw new Error(`GraphiQL did not render: ${String(error)}; blocked: ${JSON.stringify(blocked)}; failed: ${JSON.stringify(failed)}`);
    }
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await producer?.disconnect();
    await graphql?.stop();
    await pipeline?.stopAll();
  });

  it('runs a typed query with the dev admin key it opened with, and shows the data', async () => {
    await typeQuery(`{ __typename meter(id: "${meterId}") { id label sector kind } }`);
    await page.click('.graphiql-execute-button');
    const result = await response('the meter in the response pane', (text) => text.includes(label));
    expect(result).toEqual({ data: { __typename: 'Query', meter: { id: meterId, label, sector: `${pipeline.runId}-s1`, kind: 'water' } } });
    await mkdir(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'graphiql.png') });
  });

  it('runs a subscription over SSE (Ctrl-Enter) and shows the event the processors published', async () => {
    const sector = `${pipeline.runId}-s1`;
    await typeQuery(`subscription { alerts(sector: "${sector}") { alertId meterId rule state } }`);
    await page.keyboard.down('Control');
    await page.keyboard.press('Enter');
    await page.keyboard.up('Control');
    const at = Date.now();
    const alert: AlertEvent = {
      alertId: `${pipeline.runId}-night-flow-${meterId}`,
      meterId,
      sector,
      rule: 'night-flow',
      ruleKind: 'continuous-flow',
      severity: 'warning',
      state: 'open',
      startedAt: at - 3_600_000,
      evidence: { minFlowLpm: 0.4 },
      estimatedLossL: 24,
      at,
    };
    // The live feed passes on what it consumes after the subscription opened, and the page
    // opens it asynchronously: publish (the same alert, as the processors would on a replay)
    // until the pane shows it.
    const result = await waitFor(
      'the alert in the response pane',
      async () => {
        await producer.sendBatch([{ topic: pipeline.topics.alerts.name, key: meterId, value: encodeAlert(alert) }]);
        return editorText('.graphiql-response').catch(() => '');
      },
      (text) => text.includes(alert.alertId),
      90_000,
      1_000,
    );
    expect(JSON.parse(result)).toEqual({ data: { alerts: { alertId: alert.alertId, meterId, rule: 'night-flow', state: 'open' } } });
    await page.screenshot({ path: join(artifacts, 'graphiql-subscription.png') });
  });

  it('loaded and ran with no failed request, no outside request and no page error', () => {
    expect(failed).toEqual([]);
    expect(blocked).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('the blocking holds: a request to an outside host is aborted and recorded', async () => {
    const outcome = await page.evaluate(() =>
      fetch('https://cdn.example.com/graphiql.css').then(
        () => 'loaded',
        () => 'failed',
      ),
    );
    expect(outcome).toBe('failed');
    expect(blocked).toEqual(['GET https://cdn.example.com/graphiql.css']);
  });
});
