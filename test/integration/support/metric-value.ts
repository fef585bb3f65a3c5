/**
 * One sample's value from Prometheus text, e.g. metricValue(text, 'x_total', 'topic="readings"');
 * 0 when absent. Labels are a set: prom-client renders them in the order the code first gave
 * them, so 'code="A",table="b"' finds table="b",code="A" too.
 */
export function metricValue(text: string, name: string, labels = ''): number {
  const wanted = labelSet(labels);
  for (const line of text.split('\n')) {
    const sample = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (sample?.[1] === name && labelSet(sample[2] ?? '') === wanted) return Number(sample[3]);
  }
  return 0;
}

// Label values here hold no `",` (test label values are plain names), so a split is enough.
const labelSet = (labels: string) =>
  labels
    .split(/,(?=[a-zA-Z_]\w*=")/)
    .filter(Boolean)
    .sort()
    .join(',');
