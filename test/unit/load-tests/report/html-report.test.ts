import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { writeHtmlReport } from '../../../../load-tests/report/html-report';
import { buildSampleRunResult } from './sample-run-result';

/**
 * The report as a browser shows it: opened from a file in headless Chromium (Debian's
 * package, as CI installs it), it must run without a console error, draw every chart, mark
 * thresholds right and show hostile strings from the result as text.
 */

const hostileName = '<img src=x onerror=alert(1)>';
const hostileCheck = '</script><script>alert(2)</script> body has <b>reading</b>';
const expectedCharts = [
  'chart-throughput',
  'chart-latency-mqtt_puback_latency',
  'chart-latency-e2e_stored_latency',
  'chart-latency-e2e_output_latency',
  'chart-latency-graphql_req_duration',
  'chart-load',
  'chart-cpu',
];

function chromiumPath(): string {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  if (existsSync('/usr/bin/chromium')) return '/usr/bin/chromium';
  return execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim();
}

describe('HTML report in headless Chromium', () => {
  let dir: string;
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  const dialogs: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meterflow-report-'));
    const result = buildSampleRunResult({ test: hostileName, checks: [{ name: hostileCheck, passes: 3, fails: 1 }] });
    const file = join(dir, 'report.html');
    await writeHtmlReport(result, file);
    browser = await puppeteer.launch({ executablePath: chromiumPath(), headless: true, args: ['--no-sandbox', '--disable-gpu'] });
    page = await browser.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`pageerror: ${String(e)}`));
    page.on('requestfailed', (r) => errors.push(`requestfailed: ${r.url()}`));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    await page.setViewport({ width: 1280, height: 900, deviceScaleFactor: 1 });
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
    await page.waitForSelector('html[data-charts-rendered]', { timeout: 10_000 });
  }, 30_000);

  afterAll(async () => {
    await browser?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('runs without a console error, page error, failed request or dialog', () => {
    expect(errors).toEqual([]);
    expect(dialogs).toEqual([]);
  });

  it('draws every chart the sample has data for', async () => {
    const drawn = await page.evaluate((ids: string[]) => {
      const chartJs = (window as unknown as { Chart: { getChart(c: HTMLCanvasElement): { data: { datasets: { data: { y: number | null }[] }[] } } | undefined } }).Chart;
      return ids.map((id) => {
        const canvas = document.getElementById(id) as HTMLCanvasElement | null;
        if (!canvas) return { id, exists: false, inked: 0, width: 0, datasets: 0, points: 0 };
        const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
        // Coloured pixels only: grid lines, ticks and labels are grey, the data lines are not.
        let inked = 0;
        for (let i = 0; i < data.length; i += 4) {
          const [r, g, b, a] = [data[i]!, data[i + 1]!, data[i + 2]!, data[i + 3]!];
          if (a > 100 && Math.max(r, g, b) - Math.min(r, g, b) > 60) inked += 1;
        }
        const chart = chartJs.getChart(canvas);
        const datasets = chart?.data.datasets ?? [];
        const points = datasets.reduce((n, d) => n + d.data.filter((p) => p.y !== null).length, 0);
        return { id, exists: true, inked, width: canvas.width, datasets: datasets.length, points };
      });
    }, expectedCharts);
    expect(await page.evaluate(() => document.documentElement.dataset.chartsRendered)).toBe(String(expectedCharts.length));
    for (const chart of drawn) {
      expect(chart).toMatchObject({ id: chart.id, exists: true });
      expect(chart.width).toBeGreaterThan(300);
      // An empty chart has only its legend swatches in colour (a couple of hundred pixels).
      expect(chart.inked).toBeGreaterThan(800);
      expect(chart.datasets).toBeGreaterThan(0);
      expect(chart.points).toBeGreaterThan(50);
    }
    expect(await page.$$eval('canvas', (cs) => cs.length)).toBe(expectedCharts.length);
  });

  it('marks the failed threshold ✗, the held ones ✓ and the verdict FAIL', async () => {
    const rows = await page.$$eval('table.thresholds tbody tr', (trs) => trs.map((tr) => Array.from(tr.querySelectorAll('td'), (td) => td.textContent ?? '')));
    expect(rows).toContainEqual(['✗', 'e2e_stored_latency', 'p(99)<2000']);
    const held = rows.filter((r) => !(r[1] === 'e2e_stored_latency' && r[2] === 'p(99)<2000'));
    expect(held.length).toBe(5);
    for (const r of held) expect(r[0]).toBe('✓');
    expect(await page.$eval('#verdict', (e) => e.textContent)).toMatch(/^FAIL/);
    const failedCheck = await page.$$eval('table.checks tr.failed td:nth-child(2)', (tds) => tds.map((td) => td.textContent));
    expect(failedCheck).toEqual(['probe reading stored within 10 s', hostileCheck]);
  });

  it('shows hostile strings from the result as text, never as markup', async () => {
    expect(await page.$eval('#test-name', (e) => e.textContent)).toBe(hostileName);
    expect(await page.title()).toContain(hostileName);
    expect(await page.$$eval('img', (imgs) => imgs.length)).toBe(0);
    expect(await page.$$eval('b', (bs) => bs.length)).toBe(0);
    // The JSON data block, Chart.js and the page's script: no script came out of the check name.
    expect(await page.$$eval('script', (ss) => ss.length)).toBe(3);
    expect(dialogs).toEqual([]);
  });

  it('screenshots the whole page', async () => {
    const png = join(dir, 'report.png');
    await page.screenshot({ path: png, fullPage: true });
    const bytes = await readFile(png);
    expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
    expect((await stat(png)).size).toBeGreaterThan(20_000);
  });
});
