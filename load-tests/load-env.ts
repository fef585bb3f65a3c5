/**
 * Every variable the load tool (`npm run load`, load-tests/vus/, load-tests/scenarios/) reads
 * from the test environment (process env overlaid with `--env KEY=VALUE`), with its default and
 * meaning. docs/load-testing.md prints this table; load-tests/vus/load-settings.ts validates the
 * values once, naming the variable in every error. The MF_* names shared with the services keep
 * their meaning (and their defaults point at the local stack), so a shell set up for the stack
 * needs nothing more.
 */
export interface LoadEnvVariable {
  name: string;
  default: string;
  /** The value is a credential: never printed. */
  secret?: boolean;
  description: string;
}

const v = (name: string, def: string, description: string, extra: Partial<LoadEnvVariable> = {}): LoadEnvVariable => ({ name, default: def, description, ...extra });

export const loadEnvVariables: readonly LoadEnvVariable[] = [
  // Where the load goes.
  v('MF_MQTT_URL', 'mqtt://127.0.0.1:${MF_MQTT_PORT:-18830}', 'MQTT broker the ingest VUs publish to (mqtt:// or mqtts://)'),
  v('MF_LOAD_AUTH', 'meter', 'How ingest VUs log in: `meter` = per-meter accounts (username = meter id, password derived from MF_METER_MASTER_KEY as the stack provisions them), `file` = a credentials file (MF_LOAD_CREDENTIALS_FILE), `fleet` = the shared fleet account with a distinct client id per VU. Gateways (MF_LOAD_BATCH_SIZE > 1) use the fleet account unless the file names them'),
  v('MF_METER_MASTER_KEY', 'meterflow-dev-master-key', 'Master key the per-meter MQTT passwords derive from (MF_LOAD_AUTH=meter)', { secret: true }),
  v('MF_LOAD_PROVISION', 'true', 'MF_LOAD_AUTH=meter: provision the run\'s meter accounts in the local stack (MF_STACK_DIR) during setup and revoke them in teardown; false = the accounts already exist'),
  v('MF_STACK_DIR', '.stack', 'Local stack whose Mosquitto gets the provisioned accounts (must be the stack whose broker runs)'),
  v('MF_LOAD_CREDENTIALS_FILE', '', 'MF_LOAD_AUTH=file: a text file, one `<meterId> <password>` per line (# comments); the meters of the run are taken from it, in order'),
  v('MF_MQTT_FLEET_USERNAME', 'meterflow-fleet', 'Shared fleet account (MF_LOAD_AUTH=fleet, and gateways)'),
  v('MF_MQTT_FLEET_PASSWORD', 'meterflow-dev', 'Its password', { secret: true }),
  v('MF_MQTT_CA_FILE', '', 'PEM CA of the broker certificate for mqtts:// (empty = system trust store)'),
  v('MF_MQTT_CERT_FILE', '', 'PEM client certificate (mutual TLS); needs MF_MQTT_KEY_FILE'),
  v('MF_MQTT_KEY_FILE', '', 'PEM private key of MF_MQTT_CERT_FILE'),
  v('MF_QUESTDB_PG_HOST', '127.0.0.1', 'QuestDB PG-wire host, read by the e2e probe and the count check'),
  v('MF_QUESTDB_PG_PORT', '18812', 'QuestDB PG-wire port'),
  v('MF_QUESTDB_PG_USER', 'admin', 'QuestDB PG-wire user (read access to readings and rolling_averages is enough)'),
  v('MF_QUESTDB_PG_PASSWORD', 'quest', 'Its password', { secret: true }),
  v('MF_QUESTDB_PG_DATABASE', 'qdb', 'QuestDB database'),
  v('MF_LOAD_GRAPHQL_URL', 'http://127.0.0.1:${MF_GRAPHQL_PORT:-4000}/graphql', 'GraphQL endpoint of the GraphQL VUs'),
  v('MF_LOAD_GRAPHQL_API_KEY', 'meterflow-dev-analyst-key', 'API key the GraphQL VUs send (x-api-key); the default is the development analyst key (docs/graphql-access-control.md)', { secret: true }),
  v('MF_LOAD_GRAPHQL_METERS', '', 'Comma-separated meter ids the GraphQL queries ask about; empty = the run\'s ingest meters when ingest runs in the same test, else the demo fleet (sim-w-0001, sim-e-0002, …)'),
  v('MF_LOAD_GRAPHQL_SECTORS', 'sector-1,sector-2,sector-3,sector-4', 'Comma-separated sectors the fleet queries ask about'),
  // The run.
  v('MF_LOAD_RUN_ID', 'lt<6 random hex>', 'Prefix of the run\'s meter ids (`<run>-w-00001`, gateways `<run>-g0001-m001`): the count check and the probes look only at meters with this prefix; unique per run unless set'),
  v('MF_LOAD_PROFILE', 'mixed', 'Payload profile of ingest VUs: water, electricity, temperature, or mixed (VUs cycle through the three)'),
  v('MF_LOAD_BATCH_SIZE', '1', 'Readings per MQTT message: 1 = a meter publishing on meters/<id>/readings; N > 1 = a gateway publishing batches of N meters\' readings on gateways/<id>/readings'),
  v('MF_LOAD_SECTORS', '4', 'Sectors the run\'s meters are spread over (sector-1 … sector-N)'),
  v('MF_LOAD_BAD_SHARE', '0', 'Share (0–1) of messages sent malformed (half broken JSON, half an out-of-range value); they are not counted as published readings'),
  v('MF_LOAD_LEAK_SHARE', '0', 'Share (0–1) of water meters that leak: a continuous flow from a random point of their run on'),
  v('MF_LOAD_PROBE_INTERVAL_MS', '2000', 'Every this often per VU one of its normal readings is remembered as an e2e probe (0 = no probes)'),
  v('MF_LOAD_PROBE_TIMEOUT_MS', '60000', 'A probe not queryable in QuestDB readings within this counts in e2e_probes_lost{stage:stored}'),
  v('MF_LOAD_PROBE_POLL_MS', '100', 'How often the one shared poller asks QuestDB about every pending probe (one SQL query per stage per poll)'),
  v('MF_LOAD_OUTPUT_PROBE', 'true', 'Also time publish → the processors\' rolling_averages row covering the probe (e2e_output_latency); false when no processors run'),
  v('MF_LOAD_OUTPUT_TIMEOUT_MS', '900000', 'An output probe not covered within this counts in e2e_probes_lost{stage:output}; probes still pending when the test ends are reported, not counted'),
  v('MF_LOAD_COUNT_CHECK', 'true', 'Count check at the end (readings_lost, readings_doubled from QuestDB). false, with MF_LOAD_PROBE_INTERVAL_MS=0, measures a broker alone (nothing stored): the Mosquitto ceiling'),
  v('MF_LOAD_SETTLE_TIMEOUT_MS', '120000', 'Count check: longest wait for the stored count of the run\'s meters to reach the published count (or stop growing for 10 s)'),
];

/** The defaults as an env record (placeholders such as `lt<…>` excluded). */
export function loadEnvDefault(name: string): string {
  return loadEnvVariables.find((variable) => variable.name === name)?.default ?? '';
}
