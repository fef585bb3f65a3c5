import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCliMain, type CliCommand } from '../core/cli-command';
import { allDashboards, dashboardJson } from './index';

/** `meterflow dashboards`: writes every dashboard to deploy/grafana/dashboards/<uid>.json (read by the Grafana provider). */
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

export const command: CliCommand = {
  help: {
    summary: 'Write the Grafana dashboards (as code) to deploy/grafana/dashboards/<uid>.json.',
    usage: '',
    description: 'Builds every dashboard of dashboards/ (grafana-foundation-sdk) and writes its JSON where the Grafana\nprovider of deploy/grafana and the ConfigMap of deploy/k8s/grafana.yaml read it. See dashboards/README.md.',
    environment: 'none.',
    examples: ['meterflow dashboards'],
  },
  run: () => {
    main();
    return 0;
  },
};

if (require.main === module) runCliMain('dashboards', command);
