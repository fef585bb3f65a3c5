import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { allDashboards, dashboardJson } from './index';

/** `npm run dashboards`: writes every dashboard to deploy/grafana/dashboards/<uid>.json (read by the Grafana provider). */
export const dashboardsDir = join(__dirname, '..', 'deploy', 'grafana', 'dashboards');

function main(): void {
  mkdirSync(dashboardsDir, { recursive: true });
  for (const d of allDashboards()) {
    if (!d.uid) throw new Error(`dashboard "${d.title}" has no uid`);
    const file = join(dashboardsDir, `${d.uid}.json`);
    writeFileSync(file, dashboardJson(d));
    process.stdout.write(`wrote ${file}\n`);
  }
}

main();
