import { execFile } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '../../../..');
const tsx = path.join(root, 'node_modules/.bin/tsx');

/** Runs a service's real entry point; production refusal happens before any connection is tried. */
function run(cli: string, env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(tsx, [cli], { cwd: root, env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env }, timeout: 60_000 }, (error, _stdout, stderr) => {
      resolve({ code: error ? ((error as NodeJS.ErrnoException & { code?: number }).code as unknown as number) : 0, stderr });
    });
  });
}

describe('every service refuses to start in production mode with placeholder secrets (core/cli.ts)', () => {
  const placeholders = {
    MF_MODE: 'production',
    MF_METER_MASTER_KEY: 'change-me-meter-master-key',
    MF_MQTT_PASSWORD: 'change-me-mqtt-bridge',
    MF_QUESTDB_PG_PASSWORD: 'change-me-questdb',
    MF_GRAPHQL_API_KEYS: 'ops:admin=change-me-to-a-long-random-key',
  };
  it.each([
    ['bridge', 'bridge/cli.ts', ['MF_METER_MASTER_KEY', 'MF_MQTT_PASSWORD']],
    ['sink', 'processors/raw-readings-sink/cli.ts', ['MF_QUESTDB_PG_PASSWORD']],
    ['processors', 'processors/cli.ts', ['MF_QUESTDB_PG_PASSWORD']],
    ['graphql', 'graphql/cli.ts', ['MF_QUESTDB_PG_PASSWORD', 'MF_GRAPHQL_API_KEYS']],
  ])('%s (%s) exits 2 naming each variable, never printing a value', async (name, cli, variables) => {
    const { code, stderr } = await run(cli, placeholders);
    expect(code).toBe(2);
    expect(stderr).toContain(`${name}: CONFIG_INSECURE`);
    for (const variable of variables as string[]) expect(stderr).toContain(variable);
    for (const value of Object.values(placeholders).filter((v) => v.startsWith('change-me') || v.includes('='))) expect(stderr).not.toContain(value.split('=').pop());
  }, 60_000);
});
