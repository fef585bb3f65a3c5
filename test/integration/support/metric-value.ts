/** One sample's value from Prometheus text, e.g. metricValue(text, 'x_total', 'topic="readings"'); 0 when absent. */
export function metricValue(text: string, name: string, labels = ''): number {
  const series = labels ? `${name}{${labels}}` : name;
  for (const line of text.split('\n')) {
    if (line.startsWith(`${series} `)) return Number(line.slice(series.length + 1));
  }
  return 0;
}
