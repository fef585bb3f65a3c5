import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { envVariables } from '../../../core/config';
import { minPasswordLength } from '../../../core/config/production-mode';

const root = path.resolve(__dirname, '../../..');
const doc = readFileSync(path.join(root, 'docs/operations.md'), 'utf8');

describe('docs/operations.md', () => {
  it('has the production checklist with modes, secrets, bindings, TLS and file permissions', () => {
    expect(doc).toMatch(/^## Production checklist$/m);
    for (const section of ['Modes', 'Secrets', 'Bindings', 'TLS', 'File permissions']) expect(doc).toMatch(new RegExp(`^### ${section}$`, 'm'));
  });

  it('names the switches and the rules the code enforces', () => {
    for (const name of ['MF_MODE', 'MF_GRAPHQL_MODE', 'MF_HTTP_HOST', 'MF_METER_MASTER_KEY', 'MF_GRAPHQL_API_KEYS', 'PUBLISH_MQTT_ADDRESS', 'MF_MAX_PAYLOAD_BYTES']) expect([name, doc.includes(name)]).toEqual([name, true]);
    expect(doc).toContain(`shorter than ${minPasswordLength} characters`);
    // Every documented default of a secret is listed as refused.
    for (const v of envVariables.filter((e) => e.secret && e.default !== '')) expect([v.name, doc.includes(`\`${v.default}\``)]).toEqual([v.name, true]);
  });

  it('links only to files that exist', () => {
    for (const [, target] of doc.matchAll(/\]\(([^)#]+)(#[^)]*)?\)/g)) expect([target, existsSync(path.join(root, 'docs', target!))]).toEqual([target, true]);
  });
});
