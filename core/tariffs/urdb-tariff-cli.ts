import { readFileSync, writeFileSync } from 'node:fs';
import { parseFlags, splitFlagsAndFiles, type FlagSpec } from '../cli-args';
import { formatHelp, runCliMain, type CliCommand, type CommandHelp } from '../cli-command';
import { describeError, MeterflowError } from '../errors';
import { isLocalDate } from '../time/local-days';
import type { Tariff } from './tariff';
import { importUrdbTariff } from './urdb-import';

export const defaultGraphqlUrl = 'http://127.0.0.1:4000/graphql';
/** How long --publish waits for the API's answer. */
const requestTimeoutMs = 60_000;

const flags: FlagSpec[] = [
  { name: 'id', kind: 'string', description: 'tariff id (default the URDB label)' },
  { name: 'period-names', kind: 'string', description: 'names of the TOU periods by URDB index, comma-separated, one per period (default p0,p1,…)' },
  { name: 'out', kind: 'string', description: 'write the tariff JSON to this file instead of stdout' },
  { name: 'publish', kind: 'bool', description: 'publish the tariff through a running GraphQL API (publishTariff, admin key)' },
  { name: 'effective-from', kind: 'string', description: 'YYYY-MM-DD: first local day the published version prices (required with --publish)' },
  { name: 'note', kind: 'string', description: 'why, kept with the published version and in the audit log' },
  { name: 'graphql-url', kind: 'string', description: `GraphQL endpoint for --publish (default $MF_GRAPHQL_URL, else ${defaultGraphqlUrl})` },
  { name: 'api-key', kind: 'string', description: 'admin API key for --publish, sent as "Authorization: ApiKey <key>" (default $MF_GRAPHQL_API_KEY)' },
  { name: 'help', kind: 'bool', description: 'this text' },
];

const help: CommandHelp = {
  summary: 'Convert an OpenEI URDB electricity tariff into a time-of-use tariff; optionally publish it through the API.',
  usage: '[flags] <urdb.json>',
  description: `
Converts an electricity tariff of the OpenEI Utility Rate Database (a URDB item, or the URDB API's
answer { "items": [item] }) into a validated time-of-use tariff: tier rate = rate + adj ($/kWh),
weekday/weekend schedules, fixed charge per month, currency USD, unit kWh. URDB fields it does not
apply (demand, minimum, coincident and sell charges) are listed on stderr. Without --publish it
prints the tariff JSON (for the tariffs of MF_BILLING_CONFIG_FILE); with --publish it sends it to a
running GraphQL API as publishTariff and prints the tariff's versions. See docs/billing.md.`,
  flags: flags.filter((f) => f.name !== 'help'),
  environment: 'MF_GRAPHQL_URL, MF_GRAPHQL_API_KEY (for --publish).',
  examples: [
    'meterflow tariff urdb --id ex-rs-tou --period-names off-peak,summer-peak,winter-peak --out ex-rs-tou.json urdb.json',
    'MF_GRAPHQL_API_KEY=<admin key> meterflow tariff urdb --id ex-rs-tou --publish --effective-from 2026-01-01 urdb.json',
  ],
  exitStatus: '0 converted (and published); 1 the file is not a valid URDB tariff (the message names\n  the field), the API refused it (the message names the field) or could not be reached; 2 bad usage.',
};

const publishMutation = `mutation PublishTariff($tariff: JSONObject!, $effectiveFrom: String!, $note: String) {
  publishTariff(tariff: $tariff, effectiveFrom: $effectiveFrom, note: $note) { id source versions { version effectiveFrom } }
}`;

export interface UrdbTariffCliIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** The HTTP client of --publish. @default global fetch */
  fetch?: typeof fetch;
  /** MF_GRAPHQL_URL and MF_GRAPHQL_API_KEY are read from it. @default process.env */
  env?: Record<string, string | undefined>;
}

interface PublishOptions {
  url: string;
  apiKey: string;
  effectiveFrom: string;
  note: string | null;
}

interface Settings {
  file: string;
  id: string | undefined;
  periodNames: string[] | undefined;
  out: string | undefined;
  publish: PublishOptions | null;
}

interface GraphqlError {
  message?: string;
  extensions?: { code?: string; field?: string };
}

interface GraphqlResponse {
  data?: { publishTariff?: PublishedTariff | null } | null;
  errors?: GraphqlError[];
}

interface PublishedTariff {
  id: string;
  source: string;
  versions: { version: number; effectiveFrom: string }[];
}

const usageError = (message: string) => new MeterflowError('CONFIG_INVALID', message);

/** Flags and file → settings; throws (exit 2) on bad usage. Returns null for --help. */
function parseCommandLine(argv: string[], env: Record<string, string | undefined>): Settings | null {
  const { flagArgs, files } = splitFlagsAndFiles(argv, flags);
  const parsed = parseFlags(flagArgs, flags);
  if (parsed.help) return null;
  if (files.length !== 1) throw usageError(`name exactly one URDB JSON file (see --help); got ${files.length}`);
  const text = (name: string) => (typeof parsed[name] === 'string' ? (parsed[name] as string) : undefined);
  const id = text('id');
  if (id !== undefined && id.trim() === '') throw usageError('--id must not be empty');
  let periodNames: string[] | undefined;
  const names = text('period-names');
  if (names !== undefined) {
    periodNames = names.split(',').map((n) => n.trim());
    if (periodNames.some((n) => n === '')) throw usageError(`--period-names: "${names}" has an empty name`);
    if (new Set(periodNames).size !== periodNames.length) throw usageError(`--period-names: "${names}" names a period twice`);
  }
  let publish: PublishOptions | null = null;
  if (parsed.publish) {
    const effectiveFrom = text('effective-from');
    if (effectiveFrom === undefined) throw usageError('--publish needs --effective-from YYYY-MM-DD (the first local day the version prices)');
    if (!isLocalDate(effectiveFrom)) throw usageError(`--effective-from: "${effectiveFrom}" is not a YYYY-MM-DD calendar date`);
    const url = text('graphql-url') ?? (env.MF_GRAPHQL_URL || defaultGraphqlUrl);
    let protocol: string;
    try {
      protocol = new URL(url).protocol;
    } catch {
      throw usageError(`--graphql-url: "${url}" is not a URL`);
    }
    if (protocol !== 'http:' && protocol !== 'https:') throw usageError(`--graphql-url: "${url}" is not an http(s) URL`);
    const apiKey = text('api-key') ?? env.MF_GRAPHQL_API_KEY;
    if (!apiKey) throw usageError('--publish needs an admin API key: --api-key or MF_GRAPHQL_API_KEY');
    publish = { url, apiKey, effectiveFrom, note: text('note') ?? null };
  } else {
    // Flags that only mean something with --publish are a mistake without it, not silently ignored.
    const publishOnly = ['effective-from', 'note', 'graphql-url', 'api-key'].filter((name) => parsed[name] !== undefined);
    if (publishOnly.length > 0) throw usageError(`${publishOnly.map((n) => `--${n}`).join(', ')} ${publishOnly.length === 1 ? 'applies' : 'apply'} only with --publish`);
  }
  return { file: files[0]!, id, periodNames, out: text('out'), publish };
}

/** The URDB file → the tariff and the warnings; throws (exit 1) naming the file and the field. */
function convert(settings: Settings): { tariff: Tariff; warnings: string[] } {
  const { file } = settings;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? describeError(error)})`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file}: not JSON (${describeError(error)})`);
  }
  let result: ReturnType<typeof importUrdbTariff>;
  try {
    result = importUrdbTariff(json, { id: settings.id, periodNames: settings.periodNames });
  } catch (error) {
    // BILLING_CONFIG_INVALID: the message names the URDB field (urdb.…) or the tariff's.
    throw new Error(`${file}: ${error instanceof MeterflowError ? error.message : describeError(error)}`);
  }
  const periods = result.tariff.tou?.periods.length ?? 0;
  if (settings.periodNames !== undefined && settings.periodNames.length !== periods) {
    throw new Error(`${file}: --period-names gives ${settings.periodNames.length} names for the ${periods} periods of urdb.energyratestructure`);
  }
  return result;
}

/** One line per GraphQL error: `error: <field>: <message>` (the API's message already starts with its field). */
function describeGraphqlError(error: GraphqlError): string {
  const message = error.message ?? '(no message)';
  const field = error.extensions?.field;
  if (field) return `error: ${field}: ${message.startsWith(`${field}: `) ? message.slice(field.length + 2) : message}`;
  return `error: ${message}${error.extensions?.code ? ` (${error.extensions.code})` : ''}`;
}

/** Sends publishTariff; returns the published tariff, or the lines to print and exit 1 with. */
async function publishTariff(fetchFn: typeof fetch, options: PublishOptions, tariff: Tariff): Promise<{ tariff: PublishedTariff } | { errors: string[] }> {
  let response: Response;
  try {
    response = await fetchFn(options.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json, application/json',
        authorization: `ApiKey ${options.apiKey}`,
      },
      // The tariff travels as a variable: the API limits the tokens of the document, not the size of variables.
      body: JSON.stringify({ query: publishMutation, variables: { tariff, effectiveFrom: options.effectiveFrom, note: options.note } }),
      signal: AbortSignal.timeout(requestTimeoutMs),
    });
  } catch (error) {
    const cause = (error as { cause?: unknown }).cause;
    return { errors: [`cannot reach the GraphQL API at ${options.url}: ${describeError(error)}${cause ? ` (${describeError(cause)})` : ''}`] };
  }
  const text = await response.text().catch(() => '');
  let body: GraphqlResponse | null;
  try {
    body = JSON.parse(text) as GraphqlResponse | null;
  } catch {
    body = null;
  }
  if (body && Array.isArray(body.errors) && body.errors.length > 0) return { errors: body.errors.map(describeGraphqlError) };
  if (!response.ok || !body) {
    return { errors: [`the GraphQL API at ${options.url} answered HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}${text ? `: ${text.slice(0, 200)}` : ''}`] };
  }
  const published = body.data?.publishTariff;
  if (!published || !Array.isArray(published.versions)) return { errors: [`the GraphQL API at ${options.url} answered without publishTariff: ${text.slice(0, 200)}`] };
  return { tariff: published };
}

/** The command; returns its exit status (0 done, 1 invalid input or refused/failed publish, 2 bad usage). */
export async function runUrdbTariffCli(argv: string[], io: UrdbTariffCliIo): Promise<number> {
  const env = io.env ?? process.env;
  const fail = (message: string) => io.stderr.write(`tariff:urdb: ${message}\n`);
  let settings: Settings | null;
  try {
    settings = parseCommandLine(argv, env);
  } catch (error) {
    fail(error instanceof MeterflowError ? error.message : describeError(error));
    return 2;
  }
  if (settings === null) {
    io.stdout.write(formatHelp('tariff urdb', help));
    return 0;
  }
  let tariff: Tariff;
  try {
    const result = convert(settings);
    tariff = result.tariff;
    for (const warning of result.warnings) io.stderr.write(`tariff:urdb: ${settings.file}: not applied: ${warning}\n`);
    const json = `${JSON.stringify(tariff, null, 2)}\n`;
    if (settings.out !== undefined) {
      try {
        writeFileSync(settings.out, json);
      } catch (error) {
        throw new Error(`cannot write ${settings.out} (${(error as NodeJS.ErrnoException).code ?? describeError(error)})`);
      }
      io.stderr.write(`tariff:urdb: tariff ${tariff.id} written to ${settings.out}\n`);
    } else if (!settings.publish) io.stdout.write(json);
  } catch (error) {
    fail(describeError(error));
    return 1;
  }
  if (!settings.publish) return 0;

  const result = await publishTariff(io.fetch ?? globalThis.fetch, settings.publish, tariff);
  if ('errors' in result) {
    for (const line of result.errors) io.stderr.write(`${line.startsWith('error: ') ? '' : 'tariff:urdb: '}${line}\n`);
    return 1;
  }
  const published = result.tariff;
  io.stdout.write(`tariff ${published.id} (source ${published.source}), versions:\n`);
  for (const v of published.versions) io.stdout.write(`  version ${v.version} effective from ${v.effectiveFrom}\n`);
  return 0;
}

export const command: CliCommand = {
  help,
  // Its own parser: runUrdbTariffCli is also called in process by tests.
  ownParser: true,
  run: ({ argv }) => runUrdbTariffCli(argv, { stdout: process.stdout, stderr: process.stderr }),
};

if (require.main === module) runCliMain('tariff urdb', command);
