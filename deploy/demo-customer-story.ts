/**
 * The demo's customer story (issue #14): a household meter with two months of history gets
 * its bills, a savings recommendation, an invoice PDF with a payment QR code, and a payment the
 * customer starts and a (played) payment provider confirms — all through the real pipeline
 * (history import → Kafka → processors → QuestDB → GraphQL). Each step prints the GraphQL it
 * ran, so a newcomer can run it again in GraphiQL.
 */
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fromLocal, localParts } from '../core/time/local-time';

export const demoHomeMeter = 'demo-home';
const zone = 'America/Sao_Paulo';
const hour = 3_600_000;
const day = 24 * hour;
const repoRoot = path.resolve(__dirname, '..');

export interface CustomerStoryOptions {
  graphqlUrl: string;
  adminKey: string;
  customerKey: string;
  customerId: string;
  /** Shared with the payment provider (MF_PAYMENT_WEBHOOK_SECRET): the demo plays the provider. */
  webhookSecret: string;
  /** How often billing reads the registry (MF_BILLING_REGISTRY_SYNC_MS): a new meter's owner reaches its bills after that. */
  registrySyncMs: number;
  say(line: string): void;
  now?: number;
  /** @default demo-home */
  meterId?: string;
  /** Environment of the import command (Kafka, QuestDB); @default process.env */
  env?: NodeJS.ProcessEnv;
}

/** Litres in each local hour of a day: a household's morning and evening peaks, a quiet night. */
const householdLitres = [2, 2, 2, 2, 2, 2, 40, 40, 40, 8, 8, 8, 8, 8, 8, 8, 8, 8, 30, 30, 30, 30, 30, 5];
/** A toilet cistern leaking 15 L/h, from three weeks ago on. */
const leakLitresPerHour = 15;
const leakDays = 21;

/**
 * Hourly readings of the demo meter from the start of the month before last (local) to the
 * last whole hour: register (L) and the hour's mean flow (L/min). Deterministic for a given now.
 */
export function demoHistoryCsv(now: number, meterId = demoHomeMeter): string {
  const here = localParts(now, zone);
  const first = fromLocal(zone, here.month <= 2 ? here.year - 1 : here.year, ((here.month + 9) % 12) + 1, 1, 0);
  const last = Math.floor(now / hour) * hour - hour;
  const leakFrom = last - leakDays * day;
  const lines = ['meter,ts,register,flow'];
  let register = 123_456;
  for (let ts = first; ts <= last; ts += hour) {
    // The hour that ends at ts.
    const litres = householdLitres[localParts(ts - hour, zone).hour]! + (ts > leakFrom ? leakLitresPerHour : 0);
    register += litres;
    lines.push(`${meterId},${new Date(ts).toISOString()},${register},${(litres / 60).toFixed(3)}`);
  }
  return `${lines.join('\n')}\n`;
}

async function graphql<T>(options: CustomerStoryOptions, key: string, query: string, variables: Record<string, unknown> = {}): Promise<{ data?: T; errors?: { message: string; extensions?: { code?: string } }[] }> {
  const response = await fetch(options.graphqlUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `ApiKey ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: T; errors?: { message: string; extensions?: { code?: string } }[] };
}

/** Runs the history import as `npm run import` would, and resolves with its exit code. */
function importHistory(file: string, env: NodeJS.ProcessEnv, say: (line: string) => void): Promise<number | null> {
  const args = ['--meter-id', 'meter', '--timestamp', 'ts', '--kind', 'water', '--register', 'register', '--register-unit', 'L', '--value', 'flow', '--wait-stored-s', '120', file];
  say(`importing its history: npm run import -- ${args.join(' ')}`);
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'history-import/cli.ts'), ...args], { cwd: repoRoot, env, stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) if (line.trim()) say(`  [import] ${line.trim()}`);
  });
  return new Promise((resolve) => child.once('exit', resolve));
}

async function poll<T>(what: string, attempt: () => Promise<T | null>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await attempt().catch(() => null);
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`demo: ${what} did not appear within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 2000));
  }
}

interface InvoiceNode {
  id: string;
  status: string;
  periodLabel: string;
  issuedAt: string;
  total: string;
  currency: string;
  consumption: number;
  balanceCents: number;
  document: { url: string; paymentScheme: string | null; paymentPayload: string | null; paymentReference: string } | null;
}

/** What the story did: the lines the demo prints, and what a test checks. */
export interface CustomerStory {
  lines: string[];
  invoiceId: string;
  pdfFile: string | null;
  paymentPayload: string | null;
  recommendationKinds: string[];
  paymentId: string | null;
  paid: boolean;
}

/** The story. A step that cannot run says why in its line; a missing bill (the pipeline not billing) is an error. */
export async function runCustomerStory(options: CustomerStoryOptions): Promise<CustomerStory> {
  const { say } = options;
  const meterId = options.meterId ?? demoHomeMeter;
  const out: string[] = [`Customer story (${options.customerId}, meter ${meterId}: two months of hourly history with a leak for the last ${leakDays} days):`];
  const registered = await graphql(options, options.adminKey, `mutation { registerMeter(meterId: "${meterId}", input: { kind: water, customerId: "${options.customerId}", timeZone: "${zone}", label: "Demo household" }) { id } }`);
  const refusal = registered.errors?.[0];
  if (refusal && refusal.extensions?.code !== 'CONFLICT') throw new Error(`demo: cannot register ${meterId}: ${refusal.message}`);
  if (!refusal) {
    // Billing names the owner on each bill from the registry it last read: let it read the new meter first.
    say(`registered ${meterId} for ${options.customerId}; waiting ${Math.ceil(options.registrySyncMs / 1000) + 5} s for billing to read the registry…`);
    await new Promise((r) => setTimeout(r, options.registrySyncMs + 5000));
  }

  const dir = path.join(tmpdir(), 'meterflow-demo');
  mkdirSync(dir, { recursive: true });
  const csv = path.join(dir, `${meterId}-history.csv`);
  writeFileSync(csv, demoHistoryCsv(options.now ?? Date.now(), meterId));
  const code = await importHistory(csv, options.env ?? process.env, say);
  if (code !== 0) throw new Error(`demo: the history import exited with ${code}`);

  // 1. Bills: the processors close last month's period (end + 3 days of grace) from the history.
  const invoicesQuery = `query { invoices(meterId: "${meterId}", first: 6) { edges { node { id status periodLabel issuedAt total currency consumption balanceCents document { url paymentScheme paymentPayload paymentReference } } } } }`;
  const lastHour = Math.floor((options.now ?? Date.now()) / hour) * hour - hour;
  say('waiting for the processors to bill the history (a minute at most)…');
  const invoices = await poll(
    'a final invoice',
    async () => {
      const r = await graphql<{ invoices: { edges: { node: InvoiceNode }[] } }>(options, options.customerKey, invoicesQuery);
      const nodes = r.data?.invoices.edges.map((e) => e.node) ?? [];
      // Caught up: a final bill, and the running period's bill computed up to the history's last hours
      // (the partition's watermark trails the last reading by the allowed lateness).
      const running = nodes.find((n) => n.status === 'PROVISIONAL');
      const current = !running || Date.parse(running.issuedAt) >= lastHour - 3 * hour;
      return current && nodes.some((n) => n.status === 'FINAL' && n.document) ? nodes : null;
    },
    180_000,
  );
  const final = invoices.find((n) => n.status === 'FINAL' && n.document)!;
  const story: CustomerStory = { lines: out, invoiceId: final.id, pdfFile: null, paymentPayload: final.document!.paymentPayload, recommendationKinds: [], paymentId: null, paid: final.balanceCents <= 0 };
  out.push(`  bills           ${invoices.map((n) => `${n.periodLabel} ${n.status.toLowerCase()} ${n.currency} ${n.total} (${(n.consumption / 1000).toFixed(3)} m³)`).join('; ')}`);

  // 2. A savings recommendation, computed on demand from the meter's readings and tariff.
  const recommendationsQuery = `{ meter(id: "${meterId}") { recommendations(days: 30) { kind title savingPerYear currency computation } } }`;
  const recommended = await graphql<{ meter: { recommendations: { kind: string; title: string; savingPerYear: string; currency: string; computation: string[] }[] } }>(options, options.customerKey, recommendationsQuery);
  const ranked = recommended.data?.meter.recommendations ?? [];
  story.recommendationKinds = ranked.map((r) => r.kind);
  if (ranked.length === 0) out.push(`  recommendations none yet (${recommended.errors?.[0]?.message ?? 'too little data'})`);
  ranked.slice(0, 3).forEach((r, i) => out.push(`  ${i === 0 ? 'recommendations' : '               '} ${r.kind}: ${r.title} — saves ${r.currency} ${r.savingPerYear} a year`));
  if (ranked[0]) out.push(`                  how: ${ranked[0].computation.join(' ')}`);
  out.push(`                  ${recommendationsQuery}`);

  // 3. The invoice PDF with its payment QR code, through its signed, expiring link.
  const pdfFile = path.join(dir, `${final.id.replaceAll('/', '_')}.pdf`);
  const pdf = await fetch(final.document!.url);
  if (pdf.ok) {
    writeFileSync(pdfFile, Buffer.from(await pdf.arrayBuffer()));
    story.pdfFile = pdfFile;
  }
  out.push(`  invoice PDF     ${pdf.ok ? pdfFile : `HTTP ${pdf.status}`} (${final.id}, ${final.currency} ${final.total}; QR: ${final.document!.paymentScheme ?? 'none'})`);
  out.push(`                  link valid 15 min: ${final.document!.url}`);
  if (final.document!.paymentPayload) out.push(`                  QR payload: ${final.document!.paymentPayload}`);

  // 4. The customer pays: a payment intent, then the provider's signed confirmation (played here).
  if (final.balanceCents <= 0) {
    out.push(`  payment         ${final.id} is paid already (an earlier demo run)`);
    return story;
  }
  const started = await graphql<{ startPayment: { id: string; reference: string; amount: string; currency: string; scheme: string; state: string } }>(
    options,
    options.customerKey,
    `mutation ($invoiceId: ID!) { startPayment(invoiceId: $invoiceId, idempotencyKey: "demo-${final.id}") { id reference amount currency scheme state } }`,
    { invoiceId: final.id },
  );
  const intent = started.data?.startPayment;
  if (!intent) {
    out.push(`  payment         startPayment refused: ${started.errors?.[0]?.message ?? 'no answer'}`);
    return story;
  }
  const body = JSON.stringify({ providerReference: `DEMO${Date.now()}`, reference: intent.reference, amount: intent.amount, currency: intent.currency, paidAt: new Date().toISOString() });
  const timestamp = String(Math.floor(Date.now() / 1000));
  const signature = `sha256=${createHmac('sha256', options.webhookSecret).update(`${timestamp}.${body}`).digest('hex')}`;
  const webhook = await fetch(new URL('/payments/webhook', options.graphqlUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-meterflow-timestamp': timestamp, 'x-meterflow-signature': signature },
    body,
  });
  const confirmed = (await webhook.json()) as { ok: boolean; paymentId?: string; error?: string };
  story.paymentId = confirmed.paymentId ?? null;
  out.push(`  payment         startPayment → intent ${intent.id} (${intent.scheme}, ${intent.currency} ${intent.amount}, reference ${intent.reference})`);
  out.push(`                  provider webhook (played by the demo, signed with MF_PAYMENT_WEBHOOK_SECRET) → HTTP ${webhook.status} ${confirmed.ok ? `payment ${confirmed.paymentId}` : confirmed.error}`);
  const after = await poll(
    'the paid balance',
    async () => {
      const r = await graphql<{ invoices: { edges: { node: InvoiceNode }[] } }>(options, options.customerKey, invoicesQuery);
      const node = r.data?.invoices.edges.map((e) => e.node).find((n) => n.id === final.id);
      return node && node.balanceCents === 0 ? node : null;
    },
    30_000,
  ).catch(() => null);
  out.push(`                  ${after ? `invoice ${final.id} balance 0: paid` : 'the balance has not reached 0 yet: query invoices again in a few seconds'}`);
  story.paid = after !== null;
  return story;
}
