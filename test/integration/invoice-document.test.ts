import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createIlpWriter } from '../../core/questdb/ilp-writer';
import { writeTableRow } from '../../core/questdb/write-table-row';
import { invoiceToRows, type InvoiceLineRow, type InvoiceRow } from '../../core/streams/invoices';
import { startTestGraphql, type GraphqlHarness } from './support/graphql-harness';
import { crc16, expectedPix, paymentReferenceOf, pixKey } from './support/pix-oracle';
import { createTestPipeline, type TestPipeline, walApplied } from './support/test-services';
import { waitFor } from './support/wait-for';

// Invoice documents end to end: invoice rows written as billing writes them (invoiceToRows, ILP),
// Invoice.document asked for as the owning customer, the signed URL fetched without credentials,
// page 1 rendered with pdftoppm and its QR code decoded with zbarimg, the payload compared byte
// for byte with one built on its own (support/pix-oracle.ts: TLV by hand, a table-driven CRC16), the text checked
// with pdftotext. Needs poppler-utils and zbar-tools (.ci/run installs them).

const payeeEnv = {
  MF_PAYEE_PIX_KEY: pixKey,
  MF_PAYEE_PIX_NAME: 'SANEAMENTO TESTE',
  MF_PAYEE_PIX_CITY: 'SAO PAULO',
  MF_PAYEE_IBAN: 'DE89 3704 0044 0532 0130 00',
  MF_PAYEE_BIC: 'COBADEFFXXX',
  MF_PAYEE_SEPA_NAME: 'Stadtwerke Teststadt',
  MF_INVOICE_DOCUMENT_TTL_S: '120',
};

const documentQuery = `query ($c: ID!) { invoices(customerId: $c, first: 50) { edges { node { id status currency totalCents document { url expiresAt paymentScheme paymentPayload paymentReference } } } } }`;
interface DocumentNode {
  id: string;
  status: string;
  currency: string;
  totalCents: number;
  document: { url: string; expiresAt: string; paymentScheme: string | null; paymentPayload: string | null; paymentReference: string | null } | null;
}

const tool = (command: string, args: string[]) => execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

describe('invoice documents', () => {
  let pipeline: TestPipeline;
  let api: GraphqlHarness;
  let dir: string;
  let nodes: Map<string, DocumentNode>;
  const id = (suffix: string) => `${pipeline.runId}-${suffix}`;
  const brlMeter = () => id('water');
  const eurMeter = () => id('power');
  const brlInvoice = () => `${brlMeter()}/2026-01-01`;
  const eurInvoice = () => `${eurMeter()}/2026-01-01`;
  const ms = (iso: string) => Date.parse(iso);

  const invoice = (over: Partial<InvoiceRow> & Pick<InvoiceRow, 'invoice_id' | 'meter_id' | 'ts' | 'period_label' | 'period_end' | 'total_cents' | 'total'>): InvoiceRow => ({
    sector: null,
    status: 'final',
    adjusts: null,
    revision: 0,
    period_days: 31,
    billable_days: 31,
    issued_at: over.period_end + 3 * 86_400_000,
    due_date: '2099-01-10',
    currency: 'BRL',
    consumption: 20,
    consumption_unit: 'm3',
    line_count: 0,
    gaps: 0,
    unexplained_decreases: 0,
    read_status: 'read',
    carried_consumption: 0,
    held_jumps: 0,
    customer_id: api.customerIds.c1,
    projected_total_cents: null,
    projected_consumption: null,
    projection_coverage: null,
    ...over,
  });
  const line = (invoiceId: string, ts: number, no: number, over: Partial<InvoiceLineRow>): InvoiceLineRow => ({
    ts,
    invoice_id: invoiceId,
    line_key: `tier|t|${no}|`,
    line_no: no,
    status: 'final',
    issued_at: ts,
    kind: 'tier',
    adjusts: null,
    tariff_id: 'sabesp-res-2017',
    tier: no,
    tou_period: null,
    quantity: 0,
    unit: 'm3',
    rate: null,
    amount_cents: 0,
    description: '',
    ...over,
  });

  beforeAll(async () => {
    pipeline = createTestPipeline();
    api = await startTestGraphql(pipeline, payeeEnv);
    dir = mkdtempSync(path.join(tmpdir(), 'invoice-document-'));
    for (const [meterId, kind] of [
      [brlMeter(), 'water'],
      [eurMeter(), 'electricity'],
    ] as const) {
      const answer = await api.request(`mutation ($id: ID!, $input: MeterInput!) { registerMeter(meterId: $id, input: $input) { id } }`, { id: meterId, input: { kind, customerId: api.customerIds.c1, timeZone: 'UTC' } });
      expect(answer.errors).toBeUndefined();
    }
    const writer = await createIlpWriter(pipeline.config.string('MF_QUESTDB_HTTP_URL'), { service: 'test' });
    const rows = [];
    // Eleven earlier final bills of the water meter (2025-02 … 2025-12) for the chart, then January.
    for (let m = 1; m <= 11; m++) {
      const start = Date.UTC(2025, m, 1);
      const label = new Date(start).toISOString().slice(0, 10);
      rows.push(...invoiceToRows(invoice({ invoice_id: `${brlMeter()}/${label}`, meter_id: brlMeter(), ts: start, period_label: label, period_end: Date.UTC(2025, m + 1, 1), consumption: 10 + m, total_cents: 2415 + m * 378, total: '' }), []));
    }
    const jan = ms('2026-01-01T00:00:00Z');
    // SABESP 2017 residential: 10 m³ flat R$24.15, 10 m³ × 3.78, 7.55 m³ × 9.44 = 24.15 + 37.80 + 71.27 = 133.22.
    const janLines = [
      line(brlInvoice(), jan, 1, { quantity: 10, rate: null, amount_cents: 2415, description: 'Tier 1: 0-10 m3 (flat)' }),
      line(brlInvoice(), jan, 2, { quantity: 10, rate: 3.78, amount_cents: 3780, description: 'Tier 2: 10-20 m3' }),
      line(brlInvoice(), jan, 3, { quantity: 7.55, rate: 9.44, amount_cents: 7127, description: 'Tier 3: 20-50 m3' }),
    ];
    rows.push(...invoiceToRows(invoice({ invoice_id: brlInvoice(), meter_id: brlMeter(), ts: jan, period_label: '2026-01-01', period_end: ms('2026-02-01T00:00:00Z'), consumption: 27.55, total_cents: 13322, total: '133.22', line_count: 3 }), janLines));
    // A later adjustment of January (a late reading): R$4.72 more.
    const adjId = `${brlInvoice()}/adj-1`;
    rows.push(
      ...invoiceToRows(
        invoice({ invoice_id: adjId, meter_id: brlMeter(), ts: jan, status: 'adjusted', adjusts: brlInvoice(), revision: 1, period_label: '2026-01-01', period_end: ms('2026-02-01T00:00:00Z'), issued_at: ms('2026-02-20T00:00:00Z'), consumption: 0.5, total_cents: 472, total: '4.72', line_count: 1 }),
        [line(adjId, jan, 1, { status: 'adjusted', kind: 'adjustment', adjusts: 'tier', quantity: 0.5, rate: 9.44, amount_cents: 472, description: 'Adjustment: tier 3' })],
      ),
    );
    // February still open: provisional, no document.
    rows.push(...invoiceToRows(invoice({ invoice_id: `${brlMeter()}/2026-02-01`, meter_id: brlMeter(), ts: ms('2026-02-01T00:00:00Z'), status: 'provisional', period_label: '2026-02-01', period_end: ms('2026-03-01T00:00:00Z'), total_cents: 5000, total: '50.00' }), []));
    // The electricity meter, priced in euros (time of use).
    rows.push(
      ...invoiceToRows(invoice({ invoice_id: eurInvoice(), meter_id: eurMeter(), ts: jan, period_label: '2026-01-01', period_end: ms('2026-02-01T00:00:00Z'), currency: 'EUR', consumption: 180, consumption_unit: 'kWh', total_cents: 4250, total: '42.50', due_date: '2099-02-15', line_count: 2 }), [
        line(eurInvoice(), jan, 1, { kind: 'tou', tariff_id: 'de-tou', tou_period: 'peak', quantity: 100, unit: 'kWh', rate: 0.3, amount_cents: 3000, description: 'Peak' }),
        line(eurInvoice(), jan, 2, { kind: 'tou', tariff_id: 'de-tou', tou_period: 'off-peak', quantity: 80, unit: 'kWh', rate: 0.15625, amount_cents: 1250, description: 'Off-peak' }),
      ]),
    );
    for (const row of rows) await writeTableRow(writer, row);
    await writer.flush();
    await writer.close();
    // The register at both ends of January (the document's previous and current reading).
    for (const [ts, register] of [
      ['2025-12-31T23:00:00.000000Z', 1200.5],
      ['2026-01-31T23:30:00.000000Z', 1228.05],
    ] as const) {
      await pipeline.questdb.query(`INSERT INTO readings (ts, meter_id, kind, value, value_unit, register, register_unit) VALUES ($1, $2, 'water', 0, 'L/min', $3, 'm3')`, [ts, brlMeter(), register]);
    }
    for (const table of ['invoices', 'invoice_lines', 'readings', 'meter_registry']) await waitFor(`${table} applied`, () => walApplied(pipeline.questdb, table), Boolean, 30_000);
    const answer = await api.request<{ invoices: { edges: { node: DocumentNode }[] } }>(documentQuery, { c: api.customerIds.c1 }, api.keys.customer1);
    expect(answer.errors).toBeUndefined();
    nodes = new Map(answer.data!.invoices.edges.map((e) => [e.node.id, e.node]));
  });

  afterAll(async () => {
    await api?.stop();
    await pipeline?.stopAll();
    if (dir && !process.env.MF_TEST_KEEP_FILES) rmSync(dir, { recursive: true, force: true });
  });

  /** Fetches a link without credentials; returns the PDF written to a file and its decoded QR code and text. */
  async function open(url: string, name: string) {
    const response = await fetch(url);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/pdf');
    const file = path.join(dir, `${name}.pdf`);
    writeFileSync(file, Buffer.from(await response.arrayBuffer()));
    tool('pdftoppm', ['-png', '-r', '150', '-f', '1', '-l', '1', '-singlefile', file, path.join(dir, name)]);
    return {
      qr: tool('zbarimg', ['--raw', '-q', path.join(dir, `${name}.png`)]),
      text: tool('pdftotext', ['-layout', file, '-']),
      pages: /Pages:\s+(\d+)/.exec(tool('pdfinfo', [file]))![1],
    };
  }

  it('gives the owner a signed link and the PIX BR Code of a BRL invoice; the PDF\'s QR code decodes to it byte for byte', async () => {
    const node = nodes.get(brlInvoice())!;
    expect(node.status).toBe('FINAL');
    const pix = expectedPix(brlInvoice(), '133.22');
    expect(node.document).toMatchObject({ paymentScheme: 'PIX', paymentPayload: pix, paymentReference: paymentReferenceOf(brlInvoice()) });
    expect(node.document!.url).toMatch(new RegExp(`^${api.url.replace('/graphql', '')}/documents/invoices/${encodeURIComponent(brlInvoice())}\\.pdf\\?exp=\\d+&sig=[A-Za-z0-9_-]{43}$`));
    const expiresIn = Date.parse(node.document!.expiresAt) - Date.now();
    expect(expiresIn).toBeGreaterThan(100_000);
    expect(expiresIn).toBeLessThanOrEqual(120_000);

    const { qr, text, pages } = await open(node.document!.url, 'brl');
    // zbarimg --raw prints the symbol's data and a newline.
    expect(qr).toBe(`${pix}\n`);
    expect(pix.slice(-4)).toBe(crc16(pix.slice(0, -4)).toString(16).toUpperCase().padStart(4, '0'));
    expect(pages).toBe('1');
    for (const fact of [brlMeter(), brlInvoice(), api.customerIds.c1, 'Amount due', 'BRL 133.22', 'Due date', '2099-01-10', '2026-01-01 to 2026-01-31', 'Previous reading', '1200.5 m3 on 2025-12-31 23:00', '1228.05 m3 on 2026-01-31 23:30', '27.55 m3', 'Tier 3: 20-50 m3', 'BRL 71.27', 'Pay with PIX', 'SANEAMENTO TESTE']) {
      expect([fact, text.includes(fact)]).toEqual([fact, true]);
    }
    // The chart: the twelve periods 2025-02 … 2026-01, January's bar labelled 27.55 (as billed when issued: the later adjustment is not in it).
    expect(text).toContain('Consumption, last 12 periods (m3)');
    for (const month of ['2025-02', '2025-07', '2025-12', '2026-01']) expect(text).toContain(month);
  });

  it('gives the EPC QR code (SEPA) of a EUR invoice, decoded byte for byte', async () => {
    const node = nodes.get(eurInvoice())!;
    const epc = ['BCD', '002', '1', 'SCT', 'COBADEFFXXX', 'Stadtwerke Teststadt', 'DE89370400440532013000', 'EUR42.50', '', '', `${paymentReferenceOf(eurInvoice())} invoice ${eurInvoice()}`].join('\n');
    expect(node.document).toMatchObject({ paymentScheme: 'EPC', paymentPayload: epc });
    const { qr, text } = await open(node.document!.url, 'eur');
    expect(qr).toBe(`${epc}\n`);
    for (const fact of ['Stadtwerke Teststadt', 'EUR 42.50', '2099-02-15', eurMeter(), 'Peak', 'Off-peak', 'Pay by SEPA transfer']) expect([fact, text.includes(fact)]).toEqual([fact, true]);
  });

  it('documents an adjustment with its own amount; a provisional invoice has no document', async () => {
    const adjustment = nodes.get(`${brlInvoice()}/adj-1`)!;
    expect(adjustment.status).toBe('ADJUSTMENT');
    expect(adjustment.document!.paymentPayload).toBe(expectedPix(`${brlInvoice()}/adj-1`, '4.72'));
    const { qr, text } = await open(adjustment.document!.url, 'adjustment');
    expect(qr).toBe(`${expectedPix(`${brlInvoice()}/adj-1`, '4.72')}\n`);
    expect(text).toContain('Adjustment invoice');
    expect(text).toMatch(/Status\s+Adjustment 1/);
    expect(text).toMatch(new RegExp(`Adjusts\\s+${brlInvoice()} \\(this invoice bills the difference only\\)`));
    expect(text).toContain('BRL 4.72');
    expect(nodes.get(`${brlMeter()}/2026-02-01`)!.document).toBeNull();
  });

  it('renders the same bytes for the same invoice every time', async () => {
    const node = nodes.get(brlInvoice())!;
    const [a, b] = await Promise.all([fetch(node.document!.url).then((r) => r.arrayBuffer()), api.server.services.documents.render(brlInvoice())]);
    expect(Buffer.from(a).equals(b!)).toBe(true);
  });

  it('refuses another customer: FORBIDDEN on the meter and on the customer\'s invoices', async () => {
    const byMeter = await api.request(`query ($m: ID!) { invoices(meterId: $m) { edges { node { id document { url } } } } }`, { m: brlMeter() }, api.keys.customer2);
    expect(byMeter.data ?? null).toBeNull();
    expect(byMeter.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const byCustomer = await api.request(documentQuery, { c: api.customerIds.c1 }, api.keys.customer2);
    expect(byCustomer.errors![0]!.extensions!.code).toBe('FORBIDDEN');
    const own = await api.request<{ invoices: { edges: unknown[] } }>(documentQuery, { c: api.customerIds.c2 }, api.keys.customer2);
    expect(own.data!.invoices.edges).toEqual([]);
  });

  it('answers 403 with a short text to a tampered, moved or expired link, and 404 for a path it does not serve', async () => {
    const url = new URL(nodes.get(brlInvoice())!.document!.url);
    const sig = url.searchParams.get('sig')!;
    const forbidden = async (target: string, message: string) => {
      const response = await fetch(target);
      const body = await response.text();
      expect([target, response.status]).toEqual([target, 403]);
      expect(body).toBe(`${message}\n`);
    };
    const tampered = new URL(url);
    tampered.searchParams.set('sig', `${sig.slice(0, 10)}${sig[10] === 'A' ? 'B' : 'A'}${sig.slice(11)}`);
    await forbidden(tampered.toString(), 'invalid link signature');
    const later = new URL(url);
    later.searchParams.set('exp', String(Number(url.searchParams.get('exp')) + 86_400));
    await forbidden(later.toString(), 'invalid link signature');
    // The owner's signature on another invoice's path (the EUR one) is refused.
    const other = new URL(nodes.get(eurInvoice())!.document!.url);
    other.search = url.search;
    await forbidden(other.toString(), 'invalid link signature');
    await forbidden(`${url.origin}${url.pathname}`, 'invalid link signature');
    // A link made an hour ago, by the server's own signer, has expired.
    const old = api.server.services.documents.link({ id: brlInvoice(), currency: 'BRL', totalCents: 13322 }, url.origin, Date.now() - 3_600_000);
    await forbidden(old.url, 'this link has expired: ask for a new one (Invoice.document)');
    // A valid signature for an id that is not a billed invoice is 404; other paths are GraphQL's.
    const ghost = api.server.services.documents.link({ id: `${brlMeter()}/2026-02-01`, currency: 'BRL', totalCents: 1 }, url.origin);
    expect((await fetch(ghost.url)).status).toBe(404);
    expect((await fetch(`${url.origin}/documents/invoices/`)).status).toBe(404);
    expect((await fetch(url.toString(), { method: 'POST' })).status).toBe(405);
  });
});
