import { MeterflowError } from '../../core/errors';

/** What `npm run load -- …` was asked. */
export interface LoadCliArgs {
  scenario?: string;
  env: Record<string, string>;
  summaryExport?: string;
  /** `--out json=<file>` */
  jsonOut?: string;
  report?: string;
  quiet: boolean;
  noColor: boolean;
  help: boolean;
}

export const loadCliFlags: { flag: string; description: string }[] = [
  { flag: '--env KEY=VALUE', description: 'set a variable for the VUs, setup and teardown (over the process env); repeatable; also -e' },
  { flag: '--summary-export FILE', description: "write the summary as JSON in k6's handleSummary shape (metrics[name].values, .thresholds)" },
  { flag: '--out json=FILE', description: 'write the time-bucketed samples (1 s buckets) as k6-like JSON lines' },
  { flag: '--report FILE.html', description: 'write the HTML report' },
  { flag: '--quiet', description: 'no progress line (the summary is still printed); also -q' },
  { flag: '--no-color', description: 'no ANSI colours in the summary' },
  { flag: '--help', description: 'show this help and the scenarios; also -h' },
];

/** Parses the command line; throws LOAD_TEST_USAGE naming the problem. */
export function parseLoadCliArgs(argv: readonly string[]): LoadCliArgs {
  const out: LoadCliArgs = { env: {}, quiet: false, noColor: false, help: false };
  const usage = (message: string) => new MeterflowError('LOAD_TEST_USAGE', `${message} (see --help)`);
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i] as string;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    const value = () => {
      if (eq > 0) return arg.slice(eq + 1);
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('-')) throw usage(`${name} needs a value`);
      i += 1;
      return v;
    };
    switch (name) {
      case '--help':
      case '-h':
        out.help = true;
        break;
      case '--quiet':
      case '-q':
        out.quiet = true;
        break;
      case '--no-color':
        out.noColor = true;
        break;
      case '--env':
      case '-e': {
        const kv = value();
        const at = kv.indexOf('=');
        if (at <= 0) throw usage(`${name} must read KEY=VALUE; got "${kv}"`);
        out.env[kv.slice(0, at)] = kv.slice(at + 1);
        break;
      }
      case '--summary-export':
        out.summaryExport = value();
        break;
      case '--out': {
        const v = value();
        if (!v.startsWith('json=') || v.length === 5) throw usage(`--out supports json=FILE only; got "${v}"`);
        out.jsonOut = v.slice(5);
        break;
      }
      case '--report':
        out.report = value();
        break;
      default:
        if (arg.startsWith('-')) throw usage(`unknown flag ${name}`);
        if (out.scenario !== undefined) throw usage(`one scenario at a time; got "${out.scenario}" and "${arg}"`);
        out.scenario = arg;
    }
  }
  return out;
}
