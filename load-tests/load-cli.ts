import { writeHtmlReport } from './report/html-report';
import { runLoadCli } from './runner/load-cli-main';

/**
 * `npm run load -- <scenario> [--env KEY=VALUE]… [--summary-export file] [--out json=file]
 * [--report file.html] [--quiet] [--no-color] [--help]`; see load-tests/runner/load-cli-main.ts
 * for the exit codes (0 ok, 99 threshold failed, 105 interrupted, 1 error, 2 usage).
 */
const controller = new AbortController();
let interrupts = 0;
const interrupt = (signal: NodeJS.Signals) => {
  interrupts += 1;
  if (interrupts > 1) process.exit(130);
  process.stderr.write(`\nload: ${signal}: stopping the scenarios, closing VUs, running teardown (again to exit at once)\n`);
  controller.abort(`interrupted (${signal})`);
};
process.on('SIGINT', interrupt);
process.on('SIGTERM', interrupt);

runLoadCli(process.argv.slice(2), {
  stdout: process.stdout,
  stderr: process.stderr,
  signal: controller.signal,
  writeReport: (file, result) => writeHtmlReport(result, file),
}).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`load: ${String(error)}\n`);
    process.exit(1);
  },
);
