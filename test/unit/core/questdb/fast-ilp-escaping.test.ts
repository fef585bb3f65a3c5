import { Sender } from '@questdb/nodejs-client';
import { useFastEscaping } from '../../../../core/questdb/fast-ilp-escaping';

/** The bytes a sender has buffered (the client's own view of its buffer). */
const bytesOf = (sender: Sender) => (sender as unknown as { buffer: { toBufferView(): Buffer | null } }).buffer.toBufferView()?.toString('utf8') ?? '';

const hostile = [
  '',
  'plain',
  'with space, comma=equals',
  'quote " inside and \\ backslash \\\\ double',
  'new\nline and\rreturn',
  '{"@progress":{"ownTime":1},"state":{"a":"b \\" c"}}',
  'ünïcödé — ✓ 水道メーター 🚰',
  '"\\\n\r ,=',
  'x'.repeat(70_000) + ' "end"', // beyond the client's initial 64 KiB buffer
];

async function encode(fast: boolean, rows: string[], protocol = 2): Promise<string> {
  // An explicit protocol version: the sender then asks no server for its settings (nothing is sent).
  const sender = await Sender.fromConfig(`http::addr=127.0.0.1:9;auto_flush=off;protocol_version=${protocol}`, { log: () => undefined });
  if (fast) useFastEscaping(sender);
  for (const [i, text] of rows.entries()) {
    await sender.table('t').symbol('sym', text).symbol('id', String(i)).stringColumn('s', text).intColumn('n', i).floatColumn('x', i / 3).at(1_700_000_000_000 + i, 'ms');
  }
  return bytesOf(sender);
}

describe('fast ILP escaping', () => {
  it('writes exactly the bytes the client writes itself, for hostile names, symbols and strings', async () => {
    const reference = await encode(false, hostile);
    expect(reference).toContain('with\\ space\\,\\ comma\\=equals'); // the client's rules, seen in its own output
    expect(reference).toContain('quote \\" inside');
    expect(await encode(true, hostile)).toBe(reference);
    expect(await encode(true, hostile, 1)).toBe(await encode(false, hostile, 1));
  });

  it('same bytes over many random strings drawn from the special characters', async () => {
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648) / 2_147_483_648;
    const alphabet = ['a', ' ', ',', '=', '"', '\\', '\n', '\r', 'é', '🚰', '}', '{', ':'];
    const rows = Array.from({ length: 2_000 }, () => Array.from({ length: 1 + Math.floor(random() * 40) }, () => alphabet[Math.floor(random() * alphabet.length)]).join(''));
    expect(await encode(true, rows)).toBe(await encode(false, rows));
  });

  it('leaves a sender whose internals it does not recognise as it is', () => {
    const odd = { buffer: { writeEscaped: 1 } } as unknown as Sender;
    expect(useFastEscaping(odd)).toBe(odd);
    expect((odd as unknown as { buffer: { writeEscaped: unknown } }).buffer.writeEscaped).toBe(1);
  });
});
