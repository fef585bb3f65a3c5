import { formatBytes, formatDurationMs, formatMetricValue } from '../../../../load-tests/report/format-metric-value';
import { escapeHtml, jsonForScriptElement } from '../../../../load-tests/report/html-escape';

describe('report value formatting and escaping', () => {
  it('prints durations and data as k6 does', () => {
    expect([0, 0.5, 1.234, 999.999, 1500, 90_500].map(formatDurationMs)).toEqual(['0s', '500µs', '1.23ms', '1000ms', '1.5s', '1m30.5s']);
    expect(formatBytes(1_250_000)).toBe('1.3 MB');
    expect(formatMetricValue({ type: 'rate', contains: 'default' }, 'rate', 0.99987)).toBe('99.99%');
    expect(formatMetricValue({ type: 'counter', contains: 'default' }, 'rate', 51.866)).toBe('51.87/s');
    expect(formatMetricValue({ type: 'trend', contains: 'time' }, 'count', 114)).toBe('114');
    expect(formatMetricValue({ type: 'trend', contains: 'time' }, 'p(99)', 4112.95)).toBe('4.11s');
  });

  it('escapes HTML and keeps JSON inside a script element', () => {
    expect(escapeHtml(`<a href="x" title='y'>&`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;');
    const value = { name: '</script><!-- \u2028 & >' };
    const json = jsonForScriptElement(value);
    expect(json).not.toMatch(/[<>&\u2028]/);
    expect(JSON.parse(json)).toEqual(value);
  });
});
