import { gdprMain } from './gdpr-command';

// npm run gdpr -- export|erase …: the command is gdpr-command.ts (a dispatcher can call gdprMain).
void gdprMain(process.argv.slice(2), { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) }).then((status) => {
  process.exitCode = status;
});
