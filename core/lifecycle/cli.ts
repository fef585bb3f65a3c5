import { runLifecycle } from './lifecycle-command';

// `npm run lifecycle -- status|apply`; the command itself is runLifecycle (lifecycle-command.ts).
void runLifecycle(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then((code) => {
  process.exitCode = code;
});
