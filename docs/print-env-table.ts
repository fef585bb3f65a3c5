/** Prints the configuration table of docs/configuration.md from core/config/env-spec.ts (npm run docs:env). */
import { envVariables } from '../core/config';

export function renderEnvTable(): string {
  const rows = envVariables.map((v) => `| \`${v.name}\` | \`${v.default}\` | ${v.usedBy} | ${v.description} |`);
  return ['| variable | default | used by | meaning |', '|---|---|---|---|', ...rows].join('\n');
}

if (require.main === module) process.stdout.write(`${renderEnvTable()}\n`);
