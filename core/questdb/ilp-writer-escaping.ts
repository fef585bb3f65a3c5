import type { Sender } from '@questdb/nodejs-client';

/** The characters the ILP client escapes in names, symbols or quoted strings: any one sends a string down its own path. */
const escaped = /[ ,="\\\n\r]/;

interface EscapingBuffer {
  write(data: string): void;
  writeEscaped(data: string, quoted?: boolean): void;
}

/**
 * Makes the client write a string that has nothing to escape in one Buffer.write instead of one
 * per character. The client (4.x) escapes every table name, column name, symbol and string
 * value a character at a time, and those per-character writes were the largest share of the
 * sink's CPU. A string holding any character the client escapes still takes the client's own
 * path, so the bytes are the same either way (test/unit/core/questdb/ilp-writer-escaping.test.ts
 * compares them). A client without that internal shape is left as it is.
 */
export function writePlainStringsWhole(sender: Sender): void {
  const buffer = (sender as unknown as { buffer?: Partial<EscapingBuffer> }).buffer;
  if (!buffer || typeof buffer.writeEscaped !== 'function' || typeof buffer.write !== 'function') return;
  const original = buffer.writeEscaped;
  buffer.writeEscaped = function writeEscaped(this: EscapingBuffer, data: string, quoted?: boolean) {
    if (escaped.test(data)) original.call(this, data, quoted);
    else this.write(data);
  };
}
