import { runCliMain, type CliCommand } from '../cli-command';
import { gdprMain } from './gdpr-command';

// `meterflow gdpr export|erase …`; the command itself is gdprMain (gdpr-command.ts).
export const command: CliCommand = {
  help: {
    summary: "GDPR: export everything meterflow holds about a customer, or erase it (pseudonymise what must be kept).",
    usage: '<export|erase> --customer ID [--out FILE.tar.gz | --confirm ID]',
    description: 'The GraphQL mutations exportCustomerData and eraseCustomerData do the same, audited; prefer them. See docs/gdpr.md.',
    commands: [
      ['export', 'writes manifest.json and one JSON-lines file per table, for their ownership periods only, to a tar.gz'],
      ['erase', 'anonymises readings and derived data, clears personal fields, pseudonymises invoices, payments, owner history, audit'],
    ],
    flags: [
      { name: 'customer', kind: 'string', description: 'the customer id' },
      { name: 'out', kind: 'string', description: 'export: the archive to write (.tar.gz)' },
      { name: 'confirm', kind: 'string', description: 'erase: the customer id again (erasure cannot be undone)' },
    ],
    environment: 'MF_QUESTDB_PG_*, MF_BILLING_TIME_ZONE, MF_GDPR_PSEUDONYM_KEY.',
    examples: ['meterflow gdpr export --customer c-42 --out c-42.tar.gz', 'meterflow gdpr erase --customer c-42 --confirm c-42'],
    exitStatus: '0 done; 1 failed (or erased rows remain: run it again); 2 bad usage.',
  },
  // Its own parser: the verb comes first (gdpr-command.ts, also called in process by tests).
  ownParser: true,
  run: ({ argv }) => gdprMain(argv, { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) }),
};

if (require.main === module) runCliMain('gdpr', command);
