import PDFDocument from 'pdfkit';
import { formatCents } from '../../core/units/money';
import type { PaymentPayload } from '../../core/payments/payment-payload';
import { localDate } from '../../core/time/local-days';
import { drawConsumptionChart, formatQuantity } from './consumption-chart';
import type { InvoiceDocumentData, RegisterRead } from './invoice-document-data';
import { drawQrCode } from './qr-code-drawing';

/** How the payment box presents each scheme. */
const schemeTitles: Record<PaymentPayload['scheme'], { title: string; hint: string; copy: string }> = {
  PIX: { title: 'Pay with PIX', hint: 'Scan with your bank app, or paste the code below (PIX copia e cola).', copy: 'PIX code' },
  EPC: { title: 'Pay by SEPA transfer', hint: 'Scan with your banking app (EPC QR code): beneficiary, IBAN, amount and reference are filled in.', copy: 'Reference' },
  URL: { title: 'Pay online', hint: 'Scan, or open the address below.', copy: 'Address' },
};

const page = { width: 595.28, height: 841.89, margin: 48 };
const grey = '#555555';
const ink = '#111111';

/**
 * The invoice as a one-page A4 PDF: header, meter and period, register reads, lines, amount due
 * and due date, the chart of the last 12 periods and the payment QR code. Deterministic: the
 * same data give the same bytes (the PDF's creation date is the invoice's issue time, and its
 * file id is derived from it).
 */
export function renderInvoicePdf(data: InvoiceDocumentData, payment: PaymentPayload | null, payeeName: string | null): Promise<Buffer> {
  const { invoice } = data;
  const created = invoice.issuedAt ?? invoice.periodStart;
  const doc = new PDFDocument({
    size: 'A4',
    margin: page.margin,
    compress: true,
    info: { Title: `Invoice ${invoice.invoiceId}`, Author: payeeName ?? 'meterflow', Subject: `Meter ${invoice.meterId}, period ${invoice.periodLabel}`, Creator: 'meterflow', Producer: 'meterflow', CreationDate: created },
  });
  const chunks: Buffer[] = [];
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  layout(doc, data, payment, payeeName);
  doc.end();
  return done;
}

function layout(doc: PDFKit.PDFDocument, data: InvoiceDocumentData, payment: PaymentPayload | null, payeeName: string | null): void {
  const { invoice } = data;
  const left = page.margin;
  const width = page.width - 2 * page.margin;
  const currency = invoice.currency ?? '';
  const money = (cents: number) => `${currency} ${formatCents(cents)}`.trim();
  const adjustment = invoice.status === 'adjusted';

  // Header
  doc.font('Helvetica-Bold').fontSize(20).fillColor(ink).text(adjustment ? 'Adjustment invoice' : 'Invoice', left, page.margin, { lineBreak: false });
  doc.font('Helvetica').fontSize(9).fillColor(grey).text(payeeName ?? 'meterflow', left, page.margin + 4, { width, align: 'right' });
  doc.font('Helvetica').fontSize(10).fillColor(ink).text(invoice.invoiceId, left, page.margin + 26);
  doc.moveTo(left, page.margin + 44).lineTo(left + width, page.margin + 44).lineWidth(1).strokeColor('#1f6feb').stroke();

  // Facts, two columns; what an adjustment corrects on a row of its own (ids are long)
  const facts: Array<[string, string]> = [
    ['Meter', invoice.meterId],
    ['Customer', invoice.customerId ?? '-'],
    ['Period', `${invoice.periodLabel} to ${data.periodLastDay ?? 'open'}`],
    ['Due date', invoice.dueDate ?? '-'],
    ['Issued', invoice.issuedAt ? localDate(invoice.issuedAt.getTime(), data.zone) : '-'],
    ['Status', adjustment ? `Adjustment ${invoice.revision}` : 'Final'],
  ];
  let y = page.margin + 56;
  facts.forEach(([label, value], i) => {
    const x = left + (i % 2) * (width / 2);
    const rowY = y + Math.floor(i / 2) * 16;
    doc.font('Helvetica').fontSize(9).fillColor(grey).text(label, x, rowY, { lineBreak: false });
    doc.font('Helvetica-Bold').fontSize(9).fillColor(ink).text(value, x + 60, rowY, { width: width / 2 - 64, lineBreak: false, ellipsis: true });
  });
  y += Math.ceil(facts.length / 2) * 16;
  if (adjustment) {
    doc.font('Helvetica').fontSize(9).fillColor(grey).text('Adjusts', left, y, { lineBreak: false });
    doc.font('Helvetica-Bold').fontSize(9).fillColor(ink).text(`${invoice.adjusts ?? '-'} (this invoice bills the difference only)`, left + 60, y, { width: width - 60, lineBreak: false });
    y += 16;
  }
  y += 10;

  // Register reads and consumption
  doc.font('Helvetica-Bold').fontSize(11).fillColor(ink).text('Meter readings', left, y);
  y += 16;
  const read = (r: RegisterRead | null) => (r ? `${formatQuantity(r.register)} ${r.unit} on ${localDate(r.ts.getTime(), data.zone)} ${hhmm(r.ts, data.zone)}` : 'no reading');
  const readRows: Array<[string, string]> = [
    ['Previous reading', read(data.openingRead)],
    ['Current reading', read(data.closingRead)],
    [adjustment ? 'Consumption change' : 'Consumption', `${formatQuantity(invoice.consumption ?? 0)} ${invoice.consumptionUnit ?? ''}${readNote(invoice.readStatus)}`],
  ];
  if (invoice.carriedConsumption > 0) readRows.push(['Carried in', `${formatQuantity(invoice.carriedConsumption)} ${invoice.consumptionUnit ?? ''} from a gap begun in an earlier period`]);
  if (invoice.heldJumps > 0) readRows.push(['Held for review', `${invoice.heldJumps} register jump${invoice.heldJumps === 1 ? '' : 's'} not billed`]);
  for (const [label, value] of readRows) {
    doc.font('Helvetica').fontSize(9).fillColor(grey).text(label, left, y, { lineBreak: false });
    doc.font('Helvetica').fontSize(9).fillColor(ink).text(value, left + 110, y, { width: width - 110, lineBreak: false });
    y += 14;
  }
  y += 10;

  // Lines
  doc.font('Helvetica-Bold').fontSize(11).fillColor(ink).text('Charges', left, y);
  y += 16;
  const cols = { description: left, quantity: left + 270, rate: left + 350, amount: left + width - 90 };
  doc.font('Helvetica-Bold').fontSize(8).fillColor(grey);
  doc.text('Description', cols.description, y, { lineBreak: false });
  doc.text('Quantity', cols.quantity, y, { width: 70, align: 'right', lineBreak: false });
  doc.text('Rate', cols.rate, y, { width: 70, align: 'right', lineBreak: false });
  doc.text('Amount', cols.amount, y, { width: 90, align: 'right', lineBreak: false });
  y += 12;
  doc.moveTo(left, y - 2).lineTo(left + width, y - 2).lineWidth(0.5).strokeColor('#bbbbbb').stroke();
  doc.font('Helvetica').fontSize(8.5).fillColor(ink);
  const maxLines = 14;
  for (const line of data.lines.slice(0, maxLines)) {
    doc.text(line.description ?? `${line.kind} ${line.tier ?? ''}`, cols.description, y, { width: 265, lineBreak: false, ellipsis: true });
    doc.text(line.quantity === null ? '' : `${formatQuantity(line.quantity)} ${line.unit ?? ''}`, cols.quantity, y, { width: 70, align: 'right', lineBreak: false });
    doc.text(line.rate === null ? 'flat' : String(line.rate), cols.rate, y, { width: 70, align: 'right', lineBreak: false });
    doc.text(money(line.amountCents), cols.amount, y, { width: 90, align: 'right', lineBreak: false });
    y += 13;
  }
  if (data.lines.length > maxLines) {
    const rest = data.lines.slice(maxLines).reduce((sum, l) => sum + l.amountCents, 0);
    doc.text(`${data.lines.length - maxLines} more lines`, cols.description, y, { lineBreak: false });
    doc.text(money(rest), cols.amount, y, { width: 90, align: 'right', lineBreak: false });
    y += 13;
  }
  doc.moveTo(left, y).lineTo(left + width, y).lineWidth(0.5).strokeColor('#bbbbbb').stroke();
  y += 8;

  // Amount due
  const due = invoice.totalCents;
  doc.rect(left, y, width, 40).fill('#eef3fb');
  doc.font('Helvetica-Bold').fontSize(12).fillColor(ink).text(due > 0 ? 'Amount due' : 'Credit (nothing to pay)', left + 10, y + 13, { lineBreak: false });
  doc.font('Helvetica-Bold').fontSize(16).text(money(due), left, y + 11, { width: width - 10, align: 'right', lineBreak: false });
  y += 48;
  doc.font('Helvetica').fontSize(9).fillColor(grey).text(due > 0 ? `Please pay by ${invoice.dueDate ?? 'the due date'}.` : 'The credit is set against your next invoice.', left, y, { lineBreak: false });
  y += 22;

  // Chart (left) and payment (right)
  const chartWidth = width - 190;
  drawConsumptionChart(doc, data.history, invoice.periodLabel, invoice.consumptionUnit ?? '', { x: left, y, width: chartWidth, height: 170 });
  if (payment) {
    const boxX = left + width - 170;
    const titles = schemeTitles[payment.scheme];
    doc.font('Helvetica-Bold').fontSize(10).fillColor(ink).text(titles.title, boxX, y, { width: 170, lineBreak: false });
    drawQrCode(doc, payment.payload, boxX, y + 14, 170);
    doc.font('Helvetica').fontSize(7).fillColor(grey).text(titles.hint, boxX, y + 188, { width: 170 });
    y += 230;
    doc.font('Helvetica-Bold').fontSize(7.5).fillColor(ink).text(`${titles.copy}:`, left, y);
    doc.font('Courier').fontSize(7).fillColor(ink).text(payment.scheme === 'EPC' ? payment.reference : payment.payload, left, y + 10, { width, lineBreak: true });
  } else {
    y += 190;
  }

  doc.font('Helvetica').fontSize(7).fillColor(grey).text(`${invoice.invoiceId} - generated by meterflow from the invoice as billed; amounts in ${currency || 'the tariff currency'}.`, left, page.height - page.margin - 10, { width, align: 'center', lineBreak: false });
}

function readNote(status: string): string {
  if (status === 'no-read') return ' (no reading in the period: billed when the meter reports again)';
  if (status === 'estimated') return ' (includes an estimated read)';
  return '';
}

function hhmm(ts: Date, zone: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(ts);
}
