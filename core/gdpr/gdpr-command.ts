import { writeFile } from 'node:fs/promises';
import { describeFlags, parseFlags, type FlagSpec } from '../cli-args';
import { loadConfig, runMode, weakSecretReason, type Config } from '../config';
import { MeterflowError } from '../errors';
import { createQuestdbPool } from '../questdb/questdb-sql';
import { questdbPgFromConfig } from '../questdb/questdb-pg-options';
import { eraseCustomerData } from './customer-data-erasure';
import { exportCustomerData } from './customer-data-export';

const flags: FlagSpec[] = [
  { name: 'customer', kind: 'string', description: 'the customer id' },
  { name: 'out', kind: 'string', description: 'export: the archive to write (.tar.gz)' },
  { name: 'confirm', kind: 'string', description: 'erase: the customer id again (erasure cannot be undone)' },
  { name: 'help', kind: 'bool', description: 'this text' },
];

export const gdprUsage = `Usage: npm run gdpr -- export --customer ID --out FILE.tar.gz
       npm run gdpr -- erase --customer ID --confirm ID

export  writes everything meterflow holds about a customer to a tar.gz: manifest.json (periods,
        rows per table) and one JSON-lines file per table; readings and other meter data of
        their ownership periods only.
erase   anonymises their readings and derived data, clears personal fields, and pseudonymises
        their invoices, payments, owner history and audit entries (MF_GDPR_PSEUDONYM_KEY).
        The GraphQL mutations exportCustomerData and eraseCustomerData do the same, audited;
        prefer them. docs/gdpr.md.

Flags:
${describeFlags(flags)}

Environment (docs/configuration.md): MF_QUESTDB_PG_*, MF_BILLING_TIME_ZONE, MF_GDPR_PSEUDONYM_KEY.
Exit status: 0 done; 1 failed (or erased rows remain: run it again); 2 bad usage.`;

export interface CommandIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** `gdpr export|erase …`; returns the exit status. `env` is the environment (tests pass their own). */
export async function gdprMain(argv: readonly string[], io: CommandIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const [action, ...rest] = argv;
  if (action === undefined || action === '--help' || action === '-h' || rest.includes('--help')) {
    io.out(`${gdprUsage}\n`);
    return action === undefined ? 2 : 0;
  }
  let config: Config;
  let customerId: string;
  let values: ReturnType<typeof parseFlags>;
  try {
    if (action !== 'export' && action !== 'erase') throw new MeterflowError('CONFIG_INVALID', `unknown action "${action}": export or erase (see --help)`);
    values = parseFlags([...rest], flags);
    customerId = String(values.customer ?? '');
    if (customerId === '') throw new MeterflowError('CONFIG_INVALID', '--customer is required');
    if (action === 'export' && !values.out) throw new MeterflowError('CONFIG_INVALID', '--out is required for export');
    if (action === 'erase' && values.confirm !== customerId) throw new MeterflowError('CONFIG_INVALID', '--confirm must repeat the --customer id exactly: erasure cannot be undone');
    config = loadConfig(env);
    const key = config.string('MF_GDPR_PSEUDONYM_KEY');
    const weak = runMode(config) === 'production' ? weakSecretReason(key, 'password') : null;
    if (action === 'erase' && weak) throw new MeterflowError('CONFIG_INSECURE', `MF_GDPR_PSEUDONYM_KEY ${weak}`);
  } catch (error) {
    io.err(`gdpr: ${(error as Error).message}\n`);
    return 2;
  }
  const questdb = createQuestdbPool(questdbPgFromConfig(config));
  const defaultZone = config.string('MF_BILLING_TIME_ZONE');
  try {
    if (action === 'export') {
      const made = await exportCustomerData(questdb, customerId, { defaultZone, now: Date.now(), onTable: (table, rows) => io.err(`  ${table}: ${rows} rows\n`) });
      await writeFile(String(values.out), made.archive);
      io.out(`wrote ${values.out}: ${made.manifest.tables.reduce((n, t) => n + t.rows, 0)} rows from ${made.manifest.tables.length} tables, ${made.manifest.periods.length} ownership periods\n`);
      return 0;
    }
    const report = await eraseCustomerData(questdb, customerId, { pseudonymKey: config.string('MF_GDPR_PSEUDONYM_KEY'), defaultZone, onTable: (table, rows, what) => io.err(`  ${table}: ${rows} rows (${what})\n`) });
    io.out(`erased: now ${report.pseudonym}; ${report.tables.reduce((n, t) => n + t.rows, 0)} rows in ${report.tables.filter((t) => t.rows > 0).length} tables; ${report.remaining} remaining\n`);
    return report.remaining === 0 ? 0 : 1;
  } catch (error) {
    io.err(`gdpr: ${(error as Error).message}\n`);
    return 1;
  } finally {
    await questdb.end();
  }
}
