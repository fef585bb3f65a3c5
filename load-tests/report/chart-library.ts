import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * Chart.js's UMD build, read from node_modules to inline into the report: the page must open
 * from a file, offline, years later, so nothing is fetched from a CDN. chart.js's package
 * `exports` hide dist/chart.umd.js, so it is found beside the entry point `require` resolves.
 * Read on each render (≈200 kB, once per run) rather than cached at module level.
 */
export function readChartJsUmd(): { source: string; version: string } {
  const entry = require.resolve('chart.js');
  const text = readFileSync(join(dirname(entry), 'chart.umd.js'), 'utf8');
  const source = text
    // The map is not shipped with the report; a dangling reference only makes DevTools complain.
    .replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n')
    // Inline in a <script>, the library's text must not close the element early.
    .replace(/<\/script/gi, '<\\/script');
  return { source, version: /Chart\.js v(\S+)/.exec(text)?.[1] ?? 'unknown' };
}
