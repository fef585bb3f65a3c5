import QRCode from 'qrcode';

/** The subset of a pdfkit document the drawing uses. */
export interface RectCanvas {
  rect(x: number, y: number, w: number, h: number): unknown;
  fill(color?: string): unknown;
}

/**
 * Draws `text` as a QR code (error correction level M, what EPC069-12 asks and BR Codes use)
 * with vector squares: sharp at any zoom or print resolution, and the same bytes every time.
 * `size` is the side in points including a 4-module quiet zone. Returns the module count.
 */
export function drawQrCode(canvas: RectCanvas, text: string, x: number, y: number, size: number): number {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const count = qr.modules.size;
  const quiet = 4;
  const m = size / (count + 2 * quiet);
  for (let row = 0; row < count; row++) {
    // One rectangle per horizontal run of dark modules.
    let col = 0;
    while (col < count) {
      if (!qr.modules.get(row, col)) {
        col++;
        continue;
      }
      const from = col;
      while (col < count && qr.modules.get(row, col)) col++;
      canvas.rect(x + (quiet + from) * m, y + (quiet + row) * m, (col - from) * m, m);
    }
  }
  canvas.fill('#000000');
  return count;
}
