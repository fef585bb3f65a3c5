/**
 * The newcomer's one command: starts (or reuses) the local stack, then the bridge, the
 * raw-readings sink, the stream processors, the GraphQL API and a small simulated fleet, and prints where to look.
 * Ctrl-C stops the services and the fleet; the stack keeps running (meterflow stack down).
 */
import { runCliMain, type CliCommand } from '../core/cli-command';
import { loadConfig } from '../core/config';
import { describeError } from '../core/errors';
import { startChildService, waitForHealth, type ChildService } from './child-service';
import { startStack } from './stack/stack';
import { serviceNamed } from './services';
import { runCustomerStory } from './demo-customer-story';
import { demoSampleQueries, demoSampleSql } from './demo-queries';

async function main() {
  const say = (line: string) => process.stderr.write(`demo: ${line}\n`);
  say('starting the local stack (Mosquitto, Kafka, QuestDB); the first run resolves Kafka and QuestDB with mvn…');
  const { endpoints } = await startStack({ log: (line) => say(line) });
  const config = loadConfig();
  const services: ChildService[] = [];
  const log = (line: string) => process.stderr.write(`${line}\n`);
  // The services' stdout is a pipe here, so they would log JSON: for a person, pretty lines.
  const logs = { MF_LOG_FORMAT: process.env.MF_LOG_FORMAT ?? (process.stderr.isTTY ? 'pretty' : 'json') };
  services.push(startChildService('sink', 'processors/raw-readings-sink/cli.ts', logs, log));
  services.push(startChildService('bridge', 'bridge/cli.ts', logs, log));
  services.push(startChildService('processors', 'processors/cli.ts', logs, log, serviceNamed('processors').nodeFlags));
  // A demo payee, so invoices in BRL carry a PIX QR code (docs/invoice-documents.md); a payee of one's own wins.
  const payee: Record<string, string> = process.env.MF_PAYEE_PIX_KEY ? {} : { MF_PAYEE_PIX_KEY: '7d9f0335-8dcc-4054-9bf9-0dbd61d36906', MF_PAYEE_PIX_NAME: 'METERFLOW DEMO', MF_PAYEE_PIX_CITY: 'SAO PAULO' };
  services.push(startChildService('graphql', 'graphql/cli.ts', { ...logs, ...payee }, log));
  const port = config.int('MF_GRAPHQL_PORT');
  await Promise.all([
    waitForHealth(`http://127.0.0.1:${config.int('MF_SINK_HTTP_PORT')}/health`),
    waitForHealth(`http://127.0.0.1:${config.int('MF_BRIDGE_HTTP_PORT')}/health`),
    waitForHealth(`http://127.0.0.1:${config.int('MF_PROCESSORS_HTTP_PORT')}/health`),
    waitForHealth(`http://127.0.0.1:${port}/health`),
  ]);
  services.push(startChildService('simulator', 'load-tests/simulator/cli.ts', {}, log));
  await registerDemoMeters(`http://127.0.0.1:${port}/graphql`, say);
  const story = await runCustomerStory({
    graphqlUrl: `http://127.0.0.1:${port}/graphql`,
    adminKey: 'meterflow-dev-admin-key',
    customerKey: 'meterflow-dev-customer-key',
    customerId: 'demo-customer',
    webhookSecret: config.string('MF_PAYMENT_WEBHOOK_SECRET'),
    registrySyncMs: config.int('MF_BILLING_REGISTRY_SYNC_MS'),
    say,
  }).then(
    (s) => s.lines,
    (error: unknown) => [`Customer story: ${describeError(error)}`],
  );
  process.stdout.write(
    [
      '',
      'meterflow is running: 20 simulated meters (sim-w-0001, sim-e-0002, …) publish one reading per second.',
      `  GraphQL (GraphiQL)   http://127.0.0.1:${port}/graphql   dev keys (docs/graphql-access-control.md): "Authorization: ApiKey meterflow-dev-admin-key",`,
      '                       meterflow-dev-analyst-key, meterflow-dev-customer-key (customer demo-customer owns sim-w-0001 and sim-e-0002)',
      `  QuestDB console      ${endpoints.questdbHttpUrl}   try: ${demoSampleSql[0]}`,
      `  MQTT                 ${endpoints.mqttUrl}   Kafka ${endpoints.kafkaBrokers.join(',')}`,
      `  bridge metrics       http://127.0.0.1:${config.int('MF_BRIDGE_HTTP_PORT')}/metrics   processors http://127.0.0.1:${config.int('MF_PROCESSORS_HTTP_PORT')}/metrics`,
      '  processors           windows close 2 min (MF_PROCESSORS_LATENESS_MS) after their end: the first 1-min rollups after ~3 min, 15-min averages after ~7',
      `                       ${demoSampleSql[1]}   (also rolling_averages, alerts, invoices)`,
      '  try in GraphiQL:',
      ...demoSampleQueries({ now: Date.now() }).map((query) => `    ${query}`),
      '  Ctrl-C stops the services; `npm run stack -- down` stops the servers.',
      '',
      ...story,
      '',
    ].join('\n'),
  );
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    say('stopping services (the stack keeps running)…');
    await Promise.all(services.map((s) => s.stop()));
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  // A service that dies on its own ends the demo with its exit code, not silently.
  for (const s of services) {
    void s.exited.then((code) => {
      if (!stopping && s.name !== 'simulator') {
        say(`${s.name} exited with code ${code}; stopping`);
        void stop();
      }
    });
  }
}

export const command: CliCommand = {
  help: {
    summary: 'Run it all: the local stack, bridge, sink, processors, GraphQL and a 20-meter simulated fleet.',
    usage: '',
    description: `
Starts (or reuses) the local stack, then the services and a 20-meter fleet in real time, and prints
the GraphQL (GraphiQL) and QuestDB console URLs; data is queryable within a minute. Then plays a
customer story: a household meter's two months of history imported, billed, a savings
recommendation, an invoice PDF with its payment QR code, and a payment the customer starts and a
payment provider (played by the demo) confirms. Ctrl-C stops the services and the fleet; the stack
keeps running (meterflow stack down stops it).`,
    environment: "the stack's and the services' MF_* variables (ports, accounts); the defaults need none.",
    examples: ['meterflow demo', 'npm install && npm run demo'],
  },
  run: () =>
    main().then(
      () => undefined,
      (error: unknown) => {
        process.stderr.write(`demo: ${describeError(error)}\n`);
        return 1;
      },
    ),
};

if (require.main === module) runCliMain('demo', command);

/** Gives the dev customer two meters, so its key has something to see (idempotent: a CONFLICT means done). */
async function registerDemoMeters(url: string, say: (line: string) => void): Promise<void> {
  const mutation = `mutation ($id: ID!, $kind: MeterKind!) { registerMeter(meterId: $id, input: { kind: $kind, customerId: "demo-customer", timeZone: "America/Sao_Paulo" }) { id } }`;
  for (const [id, kind] of [['sim-w-0001', 'water'], ['sim-e-0002', 'electricity']] as const) {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'ApiKey meterflow-dev-admin-key' },
      body: JSON.stringify({ query: mutation, variables: { id, kind } }),
    }).catch((error: Error) => ({ ok: false, json: async () => ({ errors: [{ message: error.message }] }) }));
    const body = (await response.json()) as { errors?: { message: string; extensions?: { code?: string } }[] };
    const error = body.errors?.[0];
    if (error && error.extensions?.code !== 'CONFLICT') say(`could not register ${id} for demo-customer: ${error.message}`);
  }
}
