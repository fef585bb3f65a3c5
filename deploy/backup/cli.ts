import { main } from './backup-command';

// `npm run backup -- create|restore …` (deploy/backup/backup-command.ts).
main(process.argv.slice(2)).then(
  (status) => process.exit(status),
  (error: unknown) => {
    process.stderr.write(`backup: ${String(error)}\n`);
    process.exit(1);
  },
);
