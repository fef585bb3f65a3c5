import { Sender } from '@questdb/nodejs-client';
import { writePlainStringsWhole } from '../../../../core/questdb/ilp-writer-escaping';
import { createRandom } from '../../../../core/seeded-random';

// No server is contacted (the protocol version is given, so none is asked): rows are only buffered, and the buffers compared.
const newSender = () => Sender.fromConfig('http::addr=127.0.0.1:9;auto_flush=off;protocol_version=2', { log: () => {} });
const bytesOf = (sender: Sender) => Buffer.from((sender as unknown as { buffer: { toBufferView(): Buffer } }).buffer.toBufferView() ?? Buffer.alloc(0));

/** Strings of the characters the client treats specially, ASCII, multi-byte and astral characters, lone surrogates. */
function hostileString(random: () => number): string {
  const pieces = [' ', ',', '=', '"', '\\', '\n', '\r', '\t', 'a', 'Z', '0', '.', ':', '-', '_', 'é', '€', '水', '😀', '\ud800', '\udfff', '\u0000', '\u007f', '\\\\', '\\"'];
  const length = Math.floor(random() * 12);
  let text = '';
  for (let k = 0; k < length; k += 1) text += random() < 0.6 ? String.fromCharCode(97 + Math.floor(random() * 26)) : pieces[Math.floor(random() * pieces.length)]!;
  return text;
}

describe('writePlainStringsWhole', () => {
  it('buffers exactly the bytes the client writes by itself, for plain and hostile strings', async () => {
    const plain = await newSender();
    const fast = await newSender();
    writePlainStringsWhole(fast);
    // Guards the test itself: the client still has the internal shape, so the fast path is on.
    const escaper = (sender: Sender) => (sender as unknown as { buffer: { writeEscaped: unknown } }).buffer.writeEscaped;
    expect(escaper(fast)).not.toBe(escaper(plain));
    const random = createRandom(20261130);
    for (let row = 0; row < 3000; row += 1) {
      const symbol = hostileString(random);
      const text = hostileString(random);
      for (const sender of [plain, fast]) {
        sender.table('readings').symbol('meter_id', `wm-${row}`);
        if (symbol !== '') sender.symbol('sector', symbol);
        await sender.stringColumn('detail', text).floatColumn('value', row / 7).intColumn('seq', row).at(1_700_000_000_000 + row, 'ms');
      }
    }
    expect(bytesOf(fast).equals(bytesOf(plain))).toBe(true);
    expect(bytesOf(fast).length).toBeGreaterThan(100_000);
    await Promise.all([plain.close(), fast.close()]);
  });

  it('still escapes a name, a symbol and a string value that need it', async () => {
    const sender = await newSender();
    writePlainStringsWhole(sender);
    await sender.table('t').symbol('s', 'a b,c=d').stringColumn('x', 'say "hi"\\').at(1, 'ms');
    expect(bytesOf(sender).toString()).toBe('t,s=a\\ b\\,c\\=d x="say \\"hi\\"\\\\" 1000t\n');
    await sender.close();
  });
});
