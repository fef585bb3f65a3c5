/**
 * Every environment variable meterflow reads, with its default and meaning. The configuration
 * table in docs/configuration.md is generated from this list (`npm run docs:env`), and a unit test
 * checks that the two agree.
 */
export type EnvParser = 'string' | 'int' | 'bool' | 'url' | 'list';

export interface EnvVariable {
  name: string;
  default: string;
  parser: EnvParser;
  /** Bounds for integers, inclusive. */
  min?: number;
  max?: number;
  /** Allowed values for a string. */
  oneOf?: readonly string[];
  /**
   * A credential: its value is never printed (config errors, logs), and in production mode
   * (core/config/production-mode.ts) it must not be a documented default or placeholder.
   * `password` also needs 16+ characters; `master-key` 32 random bytes (hex or base64);
   * `api-keys` is checked per key of the `<name>:<role>=<key>` list; `opaque` (a URL that may
   * carry a token) is only never printed.
   */
  secret?: 'password' | 'master-key' | 'api-keys' | 'opaque';
  usedBy: string;
  description: string;
}

const v = (name: string, def: string, parser: EnvParser, usedBy: string, description: string, extra: Partial<EnvVariable> = {}): EnvVariable => ({
  name,
  default: def,
  parser,
  usedBy,
  description,
  ...extra,
});

const day = 24 * 60 * 60 * 1000;

export const envVariables: readonly EnvVariable[] = [
  v('MF_STACK_DIR', '.stack', 'string', 'stack', 'Folder of the local stack: jars, data, configs, logs, pid files (git-ignored)'),
  v('MF_MQTT_PORT', '18830', 'int', 'stack', 'Mosquitto listener port of the local stack', { min: 1024, max: 65535 }),
  v('MF_MQTT_TLS_PORT', '18831', 'int', 'stack', 'Mosquitto TLS listener port of the local stack (dev CA and server certificate in <stack>/mosquitto/tls; skipped without openssl)', { min: 1024, max: 65535 }),
  v('MF_KAFKA_PORT', '19092', 'int', 'stack', 'Kafka broker port of the local stack', { min: 1024, max: 65535 }),
  v('MF_KAFKA_CONTROLLER_PORT', '19093', 'int', 'stack', 'Kafka KRaft controller port', { min: 1024, max: 65535 }),
  v('MF_KAFKA_HEAP', '768m', 'string', 'stack', 'Kafka JVM heap (-Xmx)'),
  v('MF_QUESTDB_HTTP_PORT', '19000', 'int', 'stack', 'QuestDB HTTP port: REST, ILP over HTTP, web console', { min: 1024, max: 65535 }),
  v('MF_QUESTDB_ILP_TCP_PORT', '19009', 'int', 'stack', 'QuestDB ILP over TCP port', { min: 1024, max: 65535 }),
  v('MF_QUESTDB_HEALTH_PORT', '19003', 'int', 'stack', 'QuestDB health (min HTTP) port', { min: 1024, max: 65535 }),
  v('MF_QUESTDB_READONLY_USER', 'grafana', 'string', 'stack', 'Read-only QuestDB PG-wire account (for dashboards)'),
  v('MF_QUESTDB_READONLY_PASSWORD', 'grafana-dev', 'string', 'stack', 'Its password (change it in production)', { secret: 'password' }),
  v('MF_QUESTDB_HEAP', '1g', 'string', 'stack', 'QuestDB JVM heap (-Xmx)'),
  v('MF_METRICS_SAMPLE_INTERVAL_MS', '10000', 'int', 'bridge, sink, processors', 'How often each service writes its own metrics (and its consumer lag) to the QuestDB table service_metrics for the Pipeline health dashboard (0 = never)', { min: 0, max: 3600000 }),
  v('MF_MODE', 'development', 'string', 'bridge, sink, processors, graphql', 'development or production. Production refuses to start with a documented default or placeholder secret, a weak MF_METER_MASTER_KEY, or MF_GRAPHQL_MODE=development (docs/operations.md); compose and k8s set it', { oneOf: ['development', 'production'] }),
  v('MF_HTTP_HOST', '127.0.0.1', 'string', 'bridge, sink, processors, graphql', 'Interface the services\' HTTP ports (/health, /metrics, GraphQL) listen on: loopback unless set; 0.0.0.0 in containers, where probes and Prometheus come from outside'),
  v('MF_LOG_LEVEL', 'info', 'string', 'all', 'debug, info, warn or error', { oneOf: ['debug', 'info', 'warn', 'error'] }),
  v('MF_LOG_FORMAT', 'auto', 'string', 'all', 'Log lines: json (one JSON object per line, for collectors), pretty (for people), or auto: pretty when the output is a terminal, else json (docs/operations.md#logs)', { oneOf: ['auto', 'json', 'pretty'] }),
  v('MF_KAFKA_BROKERS', '127.0.0.1:${MF_KAFKA_PORT:-19092}', 'list', 'all', 'Comma-separated Kafka bootstrap servers'),
  v('MF_KAFKA_TOPIC_PREFIX', 'meterflow.', 'string', 'all', 'Prefix of every Kafka topic (lets deployments or tests share a cluster)'),
  v('MF_KAFKA_PARTITIONS', '6', 'int', 'bridge', 'Partitions of the per-meter topics when the bridge creates them (upper bound for processor instances)', { min: 1, max: 1024 }),
  v('MF_MQTT_URL', 'mqtt://127.0.0.1:${MF_MQTT_PORT:-18830}', 'url', 'bridge, simulator', 'MQTT broker (mqtt:// or mqtts://)'),
  v('MF_MQTT_USERNAME', 'meterflow-bridge', 'string', 'bridge', 'MQTT account of the bridge'),
  v('MF_MQTT_PASSWORD', 'meterflow-dev', 'string', 'bridge', 'Its password (change it in production)', { secret: 'password' }),
  v('MF_MQTT_FLEET_USERNAME', 'meterflow-fleet', 'string', 'simulator', 'MQTT account the simulated fleet publishes with'),
  v('MF_MQTT_FLEET_PASSWORD', 'meterflow-dev', 'string', 'simulator', 'Its password', { secret: 'password' }),
  v('MF_MQTT_CA_FILE', '', 'string', 'bridge, simulator', 'PEM file of the CA that signed the broker certificate, for mqtts:// URLs (empty = the system trust store)'),
  v('MF_MQTT_CERT_FILE', '', 'string', 'bridge, simulator', 'PEM client certificate, for brokers that require one (mutual TLS); needs MF_MQTT_KEY_FILE (empty = none)'),
  v('MF_MQTT_KEY_FILE', '', 'string', 'bridge, simulator', 'PEM private key of MF_MQTT_CERT_FILE (empty = none)'),
  v('MF_METER_MASTER_KEY', 'meterflow-dev-master-key', 'string', 'stack, bridge, simulator', 'Master key from which each meter\'s MQTT password and command-signing secret are derived (HMAC-SHA256); keep it secret in production', { secret: 'master-key' }),
  v('MF_QUESTDB_HTTP_URL', 'http://127.0.0.1:${MF_QUESTDB_HTTP_PORT:-19000}', 'url', 'sink', 'QuestDB HTTP endpoint (ILP writes, web console)'),
  v('MF_QUESTDB_PG_HOST', '127.0.0.1', 'string', 'sink, graphql', 'QuestDB PG-wire host'),
  v('MF_QUESTDB_PG_PORT', '18812', 'int', 'stack, sink, graphql', 'QuestDB PG-wire port (the stack listens on it, clients connect to it)', { min: 1, max: 65535 }),
  v('MF_QUESTDB_PG_USER', 'admin', 'string', 'sink, graphql', 'QuestDB PG-wire user'),
  v('MF_QUESTDB_PG_PASSWORD', 'quest', 'string', 'sink, processors, graphql', 'QuestDB PG-wire password', { secret: 'password' }),
  v('MF_QUESTDB_PG_DATABASE', 'qdb', 'string', 'sink, graphql', 'QuestDB database name (always qdb)'),
  v('MF_BRIDGE_ID', 'bridge-1', 'string', 'bridge', 'Instance id; the MQTT client id is meterflow-<id>, so it must be stable across restarts for the persistent session'),
  v('MF_BRIDGE_HTTP_PORT', '18081', 'int', 'bridge', 'Port of /health and /metrics (0 = any free port)', { min: 0, max: 65535 }),
  v('MF_BRIDGE_BATCH_MAX', '2000', 'int', 'bridge', 'Most Kafka messages in one produce request', { min: 1, max: 100000 }),
  v('MF_BRIDGE_LINGER_MS', '5', 'int', 'bridge', 'How long a produce batch waits to fill (kafkajs has no linger of its own)', { min: 0, max: 10000 }),
  v('MF_BRIDGE_SHARE_GROUP', 'meterflow-bridge', 'string', 'bridge', 'MQTT shared-subscription group ($share/<group>/...): bridge instances with the same group split the device messages; none = plain subscriptions'),
  v('MF_BRIDGE_COMMAND_GROUP', 'meterflow-bridge-commands', 'string', 'bridge', 'Kafka consumer group that relays commands to meters (instances split the commands topic)'),
  v('MF_BRIDGE_RECEIVE_MAXIMUM', '1000', 'int', 'bridge', 'MQTT v5 receive maximum: unacknowledged QoS 1 messages the broker may have in flight to the bridge', { min: 1, max: 65535 }),
  v('MF_BRIDGE_SESSION_EXPIRY_S', '604800', 'int', 'bridge', 'How long the broker keeps the bridge session (and queues its messages) while it is away', { min: 1, max: 4294967295 }),
  v('MF_BRIDGE_DRAIN_TIMEOUT_MS', '30000', 'int', 'bridge', 'On SIGTERM, how long to wait for Kafka to take what was accepted; the rest stays unacknowledged and the broker redelivers it', { min: 0 }),
  v('MF_MAX_PAYLOAD_BYTES', '1048576', 'int', 'bridge, stack', 'Largest MQTT payload accepted; larger ones are dead-lettered. The stack\'s Mosquitto refuses packets over this plus 4096 bytes of headers (max_packet_size)', { min: 64, max: 268435455 }),
  v('MF_MAX_BATCH_READINGS', '10000', 'int', 'bridge', 'Most readings in one gateway batch', { min: 1, max: 1000000 }),
  v('MF_READING_MAX_PAST_MS', String(366 * day), 'int', 'bridge', 'Oldest accepted event time, before the receive time (raise it to replay old data)', { min: 0 }),
  v('MF_READING_MAX_FUTURE_MS', String(10 * 60 * 1000), 'int', 'bridge', 'Furthest accepted event time after the receive time (device clock skew)', { min: 0 }),
  v('MF_READING_RANGES', '', 'string', 'bridge', 'JSON of plausible ranges per meter kind overriding the defaults, e.g. {"water":{"value":[0,5000],"register":[0,1e10]}}; outside → dead letter VALUE_OUT_OF_RANGE (docs/contracts.md)'),
  v('MF_BRIDGE_METER_RATE_LIMIT', '0', 'int', 'bridge', 'Messages per second one meter (or gateway) may send on average; the excess is dead-lettered as RATE_LIMITED (0 = no limit)', { min: 0, max: 1000000 }),
  v('MF_BRIDGE_METER_BURST', '100', 'int', 'bridge', 'Messages one meter may send at once over MF_BRIDGE_METER_RATE_LIMIT', { min: 1, max: 1000000 }),
  v('MF_BRIDGE_STUCK_AFTER_MS', '30000', 'int', 'bridge', '/health turns unhealthy (503) once a record has waited this long for Kafka', { min: 1000, max: 3600000 }),
  v('MF_SINK_GROUP_ID', 'meterflow-raw-readings-sink', 'string', 'sink', 'Kafka consumer group of the raw-readings sink'),
  v('MF_SINK_FLUSH_ROWS', '20000', 'int', 'sink', 'Flush buffered rows to QuestDB (one WAL transaction) once this many are buffered', { min: 1, max: 1000000 }),
  v('MF_SINK_FLUSH_INTERVAL_MS', '200', 'int', 'sink', 'Flush at the latest this long after the oldest buffered row (bounds the added latency)', { min: 1, max: 60000 }),
  v('MF_SINK_HTTP_PORT', '18082', 'int', 'sink', 'Port of /health and /metrics (0 = any free port)', { min: 0, max: 65535 }),
  v('MF_PROCESSORS_GROUP_ID', 'meterflow-processors', 'string', 'processors', 'Consumer group prefix; each processor consumes the readings in group <prefix>.<processor>'),
  v('MF_PROCESSORS_HTTP_PORT', '18083', 'int', 'processors', 'Port of /health and /metrics (0 = any free port)', { min: 0, max: 65535 }),
  v('MF_PROCESSORS_LATENESS_MS', '120000', 'int', 'processors', 'Allowed lateness (grace): a meter\'s (or sector\'s) watermark is the highest event time of its readings minus this; windows close when the watermark passes their end', { min: 0, max: 7 * day }),
  // Event-time progress per key (processors/runtime/partition-task.ts): one meter's clock cannot make others late.
  v('MF_PROCESSORS_MAX_CLOCK_SKEW_MS', '30000', 'int', 'processors', 'A reading moves event time (its meter\'s, its sector\'s, its partition\'s) forward by at most its receive time plus this, so a device clock running ahead cannot close other meters\' windows', { min: 0, max: 7 * day }),
  v('MF_PROCESSORS_HISTORY_IDLE_MS', '3600000', 'int', 'processors', 'A meter whose readings arrive more than this much after their event time (history: an import, a backlog) falls back to its partition’s watermark only after this long without a reading (never less than MF_PROCESSORS_KEY_IDLE_MS), so a pause between import runs, or a meter silent for months inside a fleet’s history, does not close its history’s periods (docs/import.md). Such a meter’s silence alerts wait as long', { min: 0, max: 7 * day }),
  v('MF_PROCESSORS_KEY_IDLE_MS', '60000', 'int', 'processors', 'Windows of a meter (or sector) close on its own readings\' event time; after this long without one (receive clock) they close on its partition\'s watermark instead', { min: 0, max: 7 * day }),
  v('MF_GROUP_MAX_PLAUSIBLE_RATE', '10000', 'int', 'processors', 'Group comparison: a meter window whose mean rate (its value unit: L/min, kW, m3/h) is above this, or has any negative rate, is left out of its sector/fleet average (a broken or hostile device)', { min: 1, max: 1000000000 }),
  v('MF_PROCESSORS_FLUSH_RECORDS', '20000', 'int', 'processors', 'Write outputs, checkpoint state and commit offsets once this many readings are handled', { min: 1, max: 1000000 }),
  v('MF_PROCESSORS_FLUSH_INTERVAL_MS', '500', 'int', 'processors', '…or at the latest this long after the oldest unflushed reading', { min: 1, max: 60000 }),
  v('MF_PROCESSORS_CHECKPOINT_INTERVAL_MS', '30000', 'int', 'processors', 'How often, under load, changed state is checkpointed to QuestDB (processor_state) and offsets committed (at once when caught up); a crash replays at most this much, rewriting the same outputs', { min: 1, max: 600000 }),
  v('MF_LEAK_CONFIG_FILE', '', 'string', 'processors', 'JSON file with leak-detection settings and per-sector/per-meter overrides (docs/leak-detection-and-alerts.md); empty = the defaults'),
  v('MF_ALERT_RULES_FILE', '', 'string', 'processors', 'JSON file with the alert rules (docs/leak-detection-and-alerts.md); empty = the default rules'),
  v('MF_ALERT_WEBHOOK_URL', '', 'string', 'processors', 'POST every alert transition here as JSON (retried with backoff); empty = no webhook (may carry a token: never printed)', { secret: 'opaque' }),
  v('MF_BILLING_CONFIG_FILE', '', 'string', 'processors, graphql', 'JSON file with tariffs and their assignment (docs/billing.md); empty = SABESP 2017 residential for every water meter'),
  v('MF_BILLING_KINDS', 'water', 'list', 'processors', 'Meter kinds that are billed (their tariffs must price their register unit)'),
  v('MF_BILLING_TIME_ZONE', 'UTC', 'string', 'processors, graphql', 'IANA time zone of billing periods (calendar months) and move-in dates of meters without a zone of their own in the registry'),
  v('MF_BILLING_PROVISIONAL_INTERVAL', '1h', 'string', 'processors', 'How often (event time) the open period\'s provisional bill is rewritten'),
  v('MF_BILLING_REGISTRY_SYNC_MS', '30000', 'int', 'processors', 'How often billing re-reads the meter registry (meter_registry, written through the API): tariff assignments apply from the local day they were made; a meter’s zone, cycle day, register modulus, maximum flow and service period at its next reading or bill', { min: 1000, max: 3600000 }),
  v('MF_GROUP_COMPARISON_INTERVAL_MS', '10000', 'int', 'processors', 'How often (wall clock) closed windows are compared with their sector/fleet averages (above-group-average alerts)', { min: 100, max: 3600000 }),
  v('MF_ROLLING_WINDOWS', '15m/5m,1h/15m,24h/1h', 'string', 'processors', 'Per-meter sliding windows of the instantaneous rate, <size>/<hop> (a window ends, and is emitted, every hop)'),
  v('MF_ROLLUP_BUCKETS', '1m,1h,1d', 'string', 'processors', 'Tumbling buckets per sector and for the fleet; 1d follows local days in MF_ROLLUP_TIME_ZONE'),
  v('MF_ROLLUP_TIME_ZONE', 'UTC', 'string', 'processors', 'IANA time zone of the 1-day rollup buckets (e.g. America/Sao_Paulo)'),
  // Data lifecycle (docs/retention.md): applied by `npm run lifecycle -- apply`, never by a service at start.
  v('MF_RETENTION_TABLES', '', 'string', 'lifecycle', 'How long each QuestDB table keeps its rows, overriding the defaults: <table>=<period>, comma-separated, a period being <n>h|d|w|mo|y or forever (e.g. readings=400d,edge_stats=90d); raw readings never shorter than the rollups need, rollups never shorter than readings, invoices and payments at least 5y (docs/retention.md)'),
  v('MF_RETENTION_TOPICS', '', 'string', 'lifecycle', 'How long each Kafka topic keeps its records (retention.ms), overriding the defaults: <topic>=<period> with the topic named without MF_KAFKA_TOPIC_PREFIX, a period <n>h|d|w or forever (e.g. readings=14d,dead-letters=90d)'),
  v('MF_GRAPHQL_PORT', '4000', 'int', 'graphql', 'GraphQL HTTP port (0 = any free port)', { min: 0, max: 65535 }),
  v('MF_GRAPHQL_MAX_ROWS', '100000', 'int', 'graphql', 'Largest `limit` a readings query may ask for', { min: 1, max: 10000000 }),
  v('MF_GRAPHQL_MODE', '${MF_MODE:-development}', 'string', 'graphql', 'Follows MF_MODE unless set. development: GraphiQL, introspection and the built-in dev API keys are on; production: all three off unless set explicitly', { oneOf: ['development', 'production'] }),
  v('MF_GRAPHQL_GRAPHIQL', 'auto', 'string', 'graphql', 'Serve the GraphiQL IDE at /graphql: true, false, or auto (on in development mode)', { oneOf: ['auto', 'true', 'false'] }),
  v('MF_GRAPHQL_INTROSPECTION', 'auto', 'string', 'graphql', 'Answer introspection queries: true, false, or auto (on in development mode)', { oneOf: ['auto', 'true', 'false'] }),
  v('MF_GRAPHQL_API_KEYS', '', 'string', 'graphql', 'API keys, comma-separated, each <name>:<role>[:<customerId>]=<key> (role admin, analyst or customer); sent as "Authorization: ApiKey <key>" or "x-api-key: <key>". keys of at least 16 characters. Empty in development = the dev keys in docs/graphql-access-control.md', { secret: 'api-keys' }),
  v('MF_GRAPHQL_API_KEYS_FILE', '', 'string', 'graphql', 'JSON file of API keys [{name, role, customerId?, sha256}] (key hashes, for production); added to MF_GRAPHQL_API_KEYS'),
  v('MF_GRAPHQL_JWT_SECRET', '', 'string', 'graphql', 'HS256 secret for bearer JWTs, at least 32 characters (empty = no HS256)', { secret: 'password' }),
  v('MF_GRAPHQL_JWKS_URL', '', 'string', 'graphql', 'JWKS URL for bearer JWTs signed with RS256/ES256 (empty = none)'),
  v('MF_GRAPHQL_JWT_ISSUER', '', 'string', 'graphql', 'Required iss of JWTs (empty = not checked; required in production when JWTs are accepted)'),
  v('MF_GRAPHQL_JWT_AUDIENCE', '', 'string', 'graphql', 'Required aud of JWTs (empty = not checked; required in production when JWTs are accepted)'),
  v('MF_GRAPHQL_JWT_ROLE_CLAIM', 'role', 'string', 'graphql', 'JWT claim holding the role (admin, analyst, customer)'),
  v('MF_GRAPHQL_JWT_CUSTOMER_CLAIM', 'customer_id', 'string', 'graphql', 'JWT claim holding a customer\'s customer id'),
  v('MF_GRAPHQL_RATE_LIMIT', '1200', 'int', 'graphql', 'Requests per minute per API key / JWT subject (token bucket; 0 = unlimited)', { min: 0, max: 10000000 }),
  v('MF_GRAPHQL_MAX_DEPTH', '8', 'int', 'graphql', 'Deepest selection a query may have', { min: 2, max: 100 }),
  v('MF_GRAPHQL_MAX_COST', '5000', 'int', 'graphql', 'Largest computed cost (graphql-armor cost limit) of one operation', { min: 100, max: 10000000 }),
  v('MF_GRAPHQL_MAX_ALIASES', '15', 'int', 'graphql', 'Most aliases in one operation', { min: 1, max: 1000 }),
  // GraphQL hardening: bounds on what one operation or one WebSocket may cost the server.
  v('MF_GRAPHQL_MAX_LIST_ITEMS', '200000', 'int', 'graphql', 'Most items one operation may ask for: fields multiplied by their `limit`/`first` (15 aliased readings(limit: 100000) = 1.5 million is refused with QUERY_TOO_COSTLY)', { min: 100, max: 100000000 }),
  v('MF_GRAPHQL_WS_MAX_PAYLOAD_BYTES', '65536', 'int', 'graphql', 'Largest WebSocket (graphql-ws) frame, before and after authentication; a larger one closes the socket (1009)', { min: 1024, max: 16777216 }),
  v('MF_GRAPHQL_SUBSCRIPTION_RECHECK_MS', '30000', 'int', 'graphql', 'How often an open subscription re-checks its caller\'s access (a meter moved to another customer ends it); a JWT\'s subscriptions and graphql-ws connection end at its exp', { min: 100, max: 3600000 }),
  v('MF_GRAPHQL_MAX_TOKENS', '2000', 'int', 'graphql', 'Most tokens in one operation document', { min: 100, max: 100000 }),
  v('MF_GRAPHQL_MAX_PAGE_SIZE', '500', 'int', 'graphql', 'Largest page (`first`, `limit`) of list queries other than raw readings', { min: 1, max: 100000 }),
  v('MF_GRAPHQL_MAX_RANGE_DAYS', '400', 'int', 'graphql', 'Longest time range (to - from) a query may ask for', { min: 1, max: 36500 }),
  v('MF_GRAPHQL_CACHE_TTL_MS', '2000', 'int', 'graphql', 'How long a query result is served again to the same caller (API key / JWT subject) without re-running it; mutations invalidate the entities they return (0 = no cache)', { min: 0, max: 3600000 }),
  v('MF_GRAPHQL_METER_CACHE_MS', '5000', 'int', 'graphql', 'How long the meter directory (registry + meters seen in readings) is cached between QuestDB reads', { min: 0, max: 3600000 }),
  v('MF_GRAPHQL_COMMAND_TTL_S', '3600', 'int', 'graphql', 'A command not delivered within this many seconds expires (an offline meter never applies it late)', { min: 5, max: 30 * 24 * 3600 }),
  v('MF_GRAPHQL_MAX_WAIT_MS', '60000', 'int', 'graphql', 'Longest `waitMs` a block/unblock mutation may wait for the device\'s answer', { min: 0, max: 600000 }),
  v('MF_GRAPHQL_IDEMPOTENCY_TTL_S', '86400', 'int', 'graphql', 'How long a mutation\'s idempotency key returns the first result instead of running again', { min: 60, max: 30 * 24 * 3600 }),
  v('MF_POLICY_DEBT_BLOCK_DAYS', '0', 'int', 'graphql', 'Auto-block a meter whose final invoice is unpaid this many days after its due date (0 = policy off); paying the overdue balance unblocks it', { min: 0, max: 3650 }),
  v('MF_POLICY_OVERCONSUMPTION_BLOCK', 'false', 'bool', 'graphql', 'Auto-block a meter with an open above-group-average alert (its consumption above its sector or fleet average)'),
  v('MF_POLICY_INTERVAL_MS', '60000', 'int', 'graphql', 'How often the auto-block policies are evaluated', { min: 1000, max: 86400000 }),
  // Invoice documents (docs/invoice-documents.md): signed download links and the payee the QR codes pay.
  v('MF_INVOICE_DOCUMENT_SECRET', 'meterflow-dev-invoice-document-secret', 'string', 'graphql', 'HMAC-SHA256 key that signs invoice document links (Invoice.document.url); changing it voids every link handed out', { secret: 'password' }),
  v('MF_INVOICE_DOCUMENT_TTL_S', '900', 'int', 'graphql', 'How long an invoice document link stays valid, in seconds', { min: 10, max: 7 * 24 * 3600 }),
  v('MF_GDPR_PSEUDONYM_KEY', 'meterflow-dev-gdpr-pseudonym-key', 'string', 'graphql, gdpr', 'HMAC-SHA256 key of the pseudonyms that replace an erased customer\'s id in invoices, payments and the audit log (docs/gdpr.md); keep it for good: a new key gives the same customer another pseudonym', { secret: 'password' }),
  v('MF_INVOICE_DOCUMENT_BASE_URL', '', 'string', 'graphql', 'Origin the document links start with, e.g. https://api.example.com (behind a proxy); empty = the origin the GraphQL request reached'),
  v('MF_PAYEE_PIX_KEY', '', 'string', 'graphql', 'PIX key invoices in BRL are paid to (a PIX BR Code on the invoice); empty = no PIX'),
  v('MF_PAYEE_PIX_NAME', '', 'string', 'graphql', 'Merchant name of the PIX BR Code, 1-25 ASCII characters (required with MF_PAYEE_PIX_KEY)'),
  v('MF_PAYEE_PIX_CITY', '', 'string', 'graphql', 'Merchant city of the PIX BR Code, 1-15 ASCII characters (required with MF_PAYEE_PIX_KEY)'),
  v('MF_PAYEE_IBAN', '', 'string', 'graphql', 'IBAN invoices in EUR are paid to (an EPC QR code, SEPA credit transfer); empty = no EPC QR'),
  v('MF_PAYEE_BIC', '', 'string', 'graphql', 'BIC of that IBAN\'s bank (optional within the EEA)'),
  v('MF_PAYEE_SEPA_NAME', '', 'string', 'graphql', 'Beneficiary name of the EPC QR code, 1-70 characters (required with MF_PAYEE_IBAN)'),
  v('MF_PAYEE_URL_TEMPLATE', '', 'string', 'graphql', 'Payment URL for invoices no QR standard above covers, with {invoiceId}, {reference}, {amount}, {currency}; empty = none'),
  // Customer payments (docs/payments.md): payment intents and the payment provider's signed webhook.
  v('MF_PAYMENT_WEBHOOK_SECRET', 'meterflow-dev-payment-webhook-secret', 'string', 'graphql', 'HMAC-SHA256 key the payment provider signs its confirmations with (POST /payments/webhook, X-Meterflow-Signature); shared with the provider only', { secret: 'password' }),
  v('MF_PAYMENT_WEBHOOK_TOLERANCE_S', '300', 'int', 'graphql', 'Replay window of the payment webhook: a confirmation whose X-Meterflow-Timestamp is further than this from the server clock, either side, is refused (401)', { min: 10, max: 3600 }),
  v('MF_PAYMENT_INTENT_TTL_S', '86400', 'int', 'graphql', 'How long a payment intent (startPayment) stays OPEN before it shows as EXPIRED and the customer starts a new one; a confirmation arriving later is still recorded', { min: 60, max: 30 * 24 * 3600 }),
  v('MF_COMMAND_LOG_GROUP_ID', '', 'string', 'processors', 'Consumer group that records commands and their state changes in QuestDB (commands, command_events); empty = <MF_PROCESSORS_GROUP_ID>.command-log'),
];
