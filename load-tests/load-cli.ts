import { readdirSync } from 'node:fs';
import path from 'node:path';
import { formatHelp, runCliMain, type CliCommand } from '../core/cli-command';
import { writeHtmlReport } from './report/html-report';
import { runLoadCli } from './runner/load-cli-main';

/**
 * `meterflow load <scenario> [--env KEY=VALUE]… [--summary-export file] [--out json=file]
 * [--report file.html] [--quiet] [--no-color] [--help]`; see load-tests/runner/load-cli-main.ts
 * for the exit codes (0 ok, 99 threshold failed, 105 interrupted, 1 error, 2 usage).
 */
function run(argv: readonly string[]): Promise<number> {
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
  return runLoadCli(argv, {
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
}

const scenarios = () => {
  try {
    return readdirSync(path.join(__dirname, 'scenarios')).filter((f) => /\.[jt]s$/.test(f) && !f.endsWith('.d.ts')).map((f) => f.replace(/\.[jt]s$/, ''));
  } catch {
    return [];
  }
};

export const command: CliCommand = {
  help: {
    summary: "Load test runner (after k6): runs a scenario file's scenarios and prints the end-of-test summary.",
    usage: '<scenario> [flags]',
    description: `
Runs a scenario file's scenarios (constant-arrival-rate, ramping-arrival-rate, constant-vus,
per-vu-iterations), shows a progress line, prints k6's end-of-test summary with its thresholds and
checks. <scenario> is the path of a module whose default export is a LoadTest, or a name under
load-tests/scenarios/: ${scenarios().join(', ')}.
Ctrl-C stops the scenarios, closes the VUs, runs teardown and prints the summary; a second Ctrl-C
exits at once. See docs/load-testing.md.`,
    flags: [
      { name: 'env', kind: 'string', description: 'KEY=VALUE: a variable for the VUs, setup and teardown (over the process env); repeatable; also -e' },
      { name: 'summary-export', kind: 'string', description: "write the summary as JSON in k6's handleSummary shape" },
      { name: 'out', kind: 'string', description: 'json=FILE: write the time-bucketed samples (1 s buckets) as k6-like JSON lines' },
      { name: 'report', kind: 'string', description: 'FILE.html: write the HTML report' },
      { name: 'quiet', kind: 'bool', description: 'no progress line (the summary is still printed); also -q' },
      { name: 'no-color', kind: 'bool', description: 'no ANSI colours in the summary' },
    ],
    environment: 'MF_LOAD_* (read by the scenarios, settable with --env), MF_MQTT_*, MF_GRAPHQL_*, MF_QUESTDB_*.',
    examples: ['meterflow load smoke', 'meterflow load ingest-steady --env MF_LOAD_AUTH=fleet --env MF_LOAD_RATE=3200 --env MF_LOAD_DURATION=60s'],
    exitStatus: '0 every threshold held; 99 a threshold failed; 105 interrupted (thresholds held so far); 1 an error;\n  2 bad usage or unknown scenario.',
  },
  // Its own parser: repeatable --env, -e and -q (load-tests/runner/load-cli-args.ts).
  ownParser: true,
  run: ({ argv }) => {
    // --help after the scenario too (the runner's parser takes it anywhere): the common layout.
    if (argv.includes('--help') || argv.includes('-h')) {
      process.stdout.write(formatHelp('load', command.help));
      return 0;
    }
    return run(argv);
  },
};

if (require.main === module) runCliMain('load', command);
