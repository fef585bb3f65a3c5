import type { PeriodConsumption } from './invoice-document-data';

/** A box on the page, in points. */
export interface ChartBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The bar chart of the last periods' consumption: one bar per period, oldest on the left, the
 * invoice's own period highlighted, each labelled with its month (YYYY-MM) and value.
 */
export function drawConsumptionChart(doc: PDFKit.PDFDocument, periods: readonly PeriodConsumption[], current: string, unit: string, box: ChartBox): void {
  const axisY = box.y + box.height - 24;
  const top = box.y + 16;
  doc.font('Helvetica-Bold').fontSize(9).fillColor('#222222').text(`Consumption, last ${periods.length} period${periods.length === 1 ? '' : 's'} (${unit})`, box.x, box.y, { width: box.width, lineBreak: false });
  doc.moveTo(box.x, axisY).lineTo(box.x + box.width, axisY).lineWidth(0.5).strokeColor('#888888').stroke();
  if (periods.length === 0) return;
  const max = Math.max(...periods.map((p) => p.consumption), 0) || 1;
  const slot = box.width / 12;
  const barWidth = slot * 0.6;
  const offset = box.width - slot * periods.length;
  periods.forEach((p, i) => {
    const height = Math.max(0, (p.consumption / max) * (axisY - top - 12));
    const x = box.x + offset + i * slot + (slot - barWidth) / 2;
    doc.rect(x, axisY - height, barWidth, height).fill(p.periodLabel === current ? '#1f6feb' : '#9fb7d9');
    doc.font('Helvetica').fontSize(6.5).fillColor('#222222');
    doc.text(formatQuantity(p.consumption), x - 6, axisY - height - 9, { width: barWidth + 12, align: 'center', lineBreak: false });
    doc.text(p.periodLabel.slice(0, 7), x - 8, axisY + 4, { width: barWidth + 16, align: 'center', lineBreak: false });
  });
}

/** A quantity with at most 3 decimals and no trailing zeros: 27.55, 1000, 0.125. */
export function formatQuantity(q: number): string {
  return String(Math.round(q * 1000) / 1000);
}
