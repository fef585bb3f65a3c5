import { existsSync, readdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describeError, isMeterflowError, MeterflowError } from '../../core/errors';
import { writeJsonOutput } from './json-output';
import { loadCliFlags, parseLoadCliArgs } from './load-cli-args';
import type { LoadTest } from './load-test';
import { createProgressWriter } from './progress-line';
import { thresholdsFailedExitCode, type RunResult } from './run-result';
import { runLoadTest, type RunLoadTestOptions } from './run-load-test';
import { renderSummaryText } from './summary-text';

/** Exit codes of `npm run load` (k6's where k6 has one). */
export const loadExitCodes = {
  ok: 0,
  /** A run error: invalid scenario file (LOAD_TEST_INVALID), setup threw, teardown threw, an output could not be written. */
  error: 1,
  /** Bad command line or unknown scenario. */
  usage: 2,
  /** A threshold failed (k6's ThresholdsHaveFailed). */
  thresholdsFailed: thresholdsFailedExitCode,
  /** Interrupted by SIGINT/SIGTERM with every threshold holding (k6's ExternalAbort). */
  interrupted: 105,
} as const;

export interface LoadCliIo {
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  /** Where `<name>` scenarios live. @default load-tests/scenarios */
  scenariosDir?: string;
  /** Aborts the run gracefully (the CLI wires SIGINT/SIGTERM to it). */
  signal?: AbortSignal;
  /** Writes --report FILE.html; without it --report only warns. */
  writeReport?: (file: string, result: RunResult) => Promise<void>;
  /** Passed through to runLoadTest (tests: a virtual clock, bucketMs). */
  runOptions?: Partial<RunLoadTestOptions>;
}

const defaultScenariosDir = path.resolve(__dirname, '..', 'scenarios');

const usageText = (flags: string, scenarios: string) => `
meterflow load test runner, after k6: runs a scenario file's scenarios (constant-arrival-rate,
ramping-arrival-rate, constant-vus, per-vu-iterations), shows a progress line, prints k6's
end-of-test summary with its thresholds and checks.

Usage: npm run load -- <scenario> [flags]

<scenario> is a name under load-tests/scenarios/ (<name>.ts) or the path of a module whose
default export is a LoadTest (load-tests/runner/load-test.ts).

${flags}

Exit codes: 0 every threshold held; 99 a threshold failed (k6's); 105 interrupted by Ctrl-C
(thresholds held so far); 1 an error (invalid scenario file, setup/teardown threw, an output
could not be written); 2 bad usage or unknown scenario. Ctrl-C stops the scenarios, closes the
VUs, runs teardown and prints the summary; a second Ctrl-C exits at once.

Scenarios:
${scenarios}
`;

/** The CLI without process globals: returns the exit code. */
export async function runLoadCli(argv: readonly string[], io: LoadCliIo): Promise<number> {
  const scenariosDir = io.scenariosDir ?? defaultScenariosDir;
  let args;
  try {
    args = parseLoadCliArgs(argv);
  } catch (error) {
    io.stderr.write(`load: ${describeError(error)}\n`);
    return loadExitCodes.usage;
  }
  if (args.help) {
    const flags = loadCliFlags.map((f) => `  ${f.flag.padEnd(22)} ${f.description}`).join('\n');
    io.stdout.write(`${usageText(flags, await listScenarios(scenariosDir)).trim()}\n`);
    return loadExitCodes.ok;
  }
  if (!args.scenario) {
    io.stderr.write('load: which scenario? (see --help for the list)\n');
    return loadExitCodes.usage;
  }
  const file = resolveScenario(args.scenario, scenariosDir);
  if (!file) {
    io.stderr.write(`load: no scenario "${args.scenario}" (neither ${path.join(path.relative(process.cwd(), scenariosDir), `${args.scenario}${moduleExt}`)} nor a file); see --help\n`);
    return loadExitCodes.usage;
  }

  let result: RunResult;
  const progress = createProgressWriter(io.stderr);
  try {
    const test = await loadScenario(file, { ...envOf(process.env), ...args.env });
    result = await runLoadTest(test, {
      env: args.env,
      onProgress: args.quiet ? undefined : progress,
      signal: io.signal,
      log: (line) => {
        progress.end();
        io.stderr.write(`${line}\n`);
      },
      isStdOutTTY: Boolean(io.stdout.isTTY),
      isStdErrTTY: Boolean(io.stderr.isTTY),
      noColor: args.noColor,
      ...io.runOptions,
    });
  } catch (error) {
    progress.end();
    io.stderr.write(`load: ${describeError(error)}\n`);
    return loadExitCodes.error;
  }
  progress.end();
  io.stdout.write(renderSummaryText(result.summary, { color: Boolean(io.stdout.isTTY) && !args.noColor }));

  let outputFailed = false;
  const output = async (what: string, file: string, write: () => Promise<void>) => {
    try {
      await mkdir(path.dirname(path.resolve(file)), { recursive: true });
      await write();
      io.stderr.write(`load: ${what} written to ${file}\n`);
    } catch (error) {
      outputFailed = true;
      io.stderr.write(`load: could not write ${what} to ${file}: ${describeError(error)}\n`);
    }
  };
  if (args.summaryExport) await output('summary', args.summaryExport, () => writeFile(args.summaryExport!, `${JSON.stringify(result.summary, null, 2)}\n`));
  if (args.jsonOut) await output('samples', args.jsonOut, () => writeJsonOutput(args.jsonOut!, result));
  if (args.report) {
    if (io.writeReport) await output('report', args.report, () => io.writeReport!(args.report!, result));
    else io.stderr.write('load: --report: the HTML report is not available in this build; skipped\n');
  }

  const m = result.summary.meterflow;
  if (outputFailed || (m.errors ?? []).length > 0) return loadExitCodes.error;
  if (m.thresholdsFailed.length > 0) return loadExitCodes.thresholdsFailed;
  if (m.aborted !== null) return loadExitCodes.interrupted;
  return loadExitCodes.ok;
}

/** `.ts` when run from the sources (tsx), `.js` in the compiled image (dist/). */
const moduleExt = path.extname(__filename);

function resolveScenario(arg: string, scenariosDir: string): string | null {
  const named = path.join(scenariosDir, `${arg}${moduleExt}`);
  if (/^[\w-]+$/.test(arg) && existsSync(named)) return named;
  const file = path.resolve(arg);
  return existsSync(file) ? file : null;
}

/**
 * A scenario module default-exports a LoadTest, or exports `build(env)` returning one: k6 reads
 * `__ENV` inside `options`, so a scenario whose rate or duration comes from `--env` is built
 * from the test's environment (process env overlaid with `--env`).
 */
export async function loadScenario(file: string, env: Record<string, string> = envOf(process.env)): Promise<LoadTest> {
  const mod = (await import(file)) as { default?: unknown; build?: unknown };
  let test = typeof mod.build === 'function' ? (mod.build as (e: Record<string, string>) => unknown)(env) : mod.default;
  // A CommonJS-compiled module imported from ESM nests its default export once more.
  if (test && typeof test === 'object' && 'default' in test && !('options' in test)) test = (test as { default: unknown }).default;
  if (!test || typeof test !== 'object') throw new MeterflowError('LOAD_TEST_INVALID', `${file}: the module has no default export (expected a LoadTest)`);
  return test as LoadTest;
}

function envOf(source: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(source).filter((e): e is [string, string] => e[1] !== undefined));
}

async function listScenarios(dir: string): Promise<string> {
  if (!existsSync(dir)) return `  (none: ${path.relative(process.cwd(), dir) || dir} does not exist yet)`;
  const files = readdirSync(dir)
    .filter((f) => f.endsWith(moduleExt) && !f.endsWith(`.test${moduleExt}`) && !f.endsWith('.d.ts'))
    .sort();
  if (files.length === 0) return '  (none)';
  const lines: string[] = [];
  const width = Math.max(...files.map((f) => f.length - moduleExt.length));
  for (const f of files) {
    const name = f.slice(0, -moduleExt.length);
    try {
      const test = await loadScenario(path.join(dir, f));
      lines.push(`  ${name.padEnd(width)}  ${typeof test.description === 'string' ? test.description : ''}`);
    } catch (error) {
      lines.push(`  ${name.padEnd(width)}  (cannot load: ${isMeterflowError(error) ? error.message : describeError(error)})`);
    }
  }
  return lines.join('\n');
}
