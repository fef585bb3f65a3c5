import { createReadStream, statSync } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { open } from 'node:fs/promises';
import { StringDecoder } from 'node:string_decoder';
import { MeterflowError } from '../core/errors';

/** A row of readings is a few hundred characters; a longer "line" is not one, and must not fill the memory. */
const maxLineChars = 1 << 20;

export interface FileLine {
  /** The line's text, without its end-of-line characters. */
  text: string;
  /** 1-based line number in the (decompressed) file. */
  number: number;
}

export interface FileLines {
  /** Size on disk (compressed, for a gzip file). */
  size: number;
  /**
   * Bytes of the file on disk read so far: the progress of a read, whether gzip or not (the
   * stream is iterated with back-pressure, so this runs at most a chunk or two ahead of the lines).
   */
  bytesRead(): number;
  lines: AsyncIterable<FileLine>;
}

/**
 * Reads a text file line by line, streaming (a file of years of readings need not fit in
 * memory as text). A gzip file is recognised by its first two bytes, not its name. A UTF-8 byte
 * order mark at the start is dropped; CRLF line ends are read as LF.
 */
export async function openFileLines(file: string): Promise<FileLines> {
  let size: number;
  let gzip: boolean;
  try {
    size = statSync(file).size;
    const handle = await open(file, 'r');
    const head = Buffer.alloc(2);
    await handle.read(head, 0, 2, 0);
    await handle.close();
    gzip = head[0] === 0x1f && head[1] === 0x8b;
  } catch (error) {
    throw new MeterflowError('IMPORT_FILE_UNREADABLE', `${file}: ${(error as Error).message}`);
  }
  // Small chunks: the progress (bytes read from disk) then runs at most one chunk ahead of the lines handed out.
  const raw = createReadStream(file, { highWaterMark: 64 * 1024 });
  const text = gzip ? raw.pipe(createGunzip()) : raw;
  raw.on('error', (error) => text.destroy(error));
  async function* lines(): AsyncGenerator<FileLine> {
    let number = 0;
    let rest = '';
    const decoder = new StringDecoder('utf8');
    try {
      // Iterating the stream applies back-pressure: nothing is read far ahead of the lines used.
      for await (const chunk of text as AsyncIterable<Buffer>) {
        const parts = (rest + decoder.write(chunk)).split('\n');
        rest = parts.pop()!;
        if (rest.length > maxLineChars) throw new Error(`line ${number + parts.length + 1} is longer than ${maxLineChars} characters; not a CSV of readings`);
        for (const part of parts) yield line(part, ++number);
      }
    } catch (error) {
      throw new MeterflowError('IMPORT_FILE_UNREADABLE', `${file}: ${(error as Error).message}`);
    }
    rest += decoder.end();
    if (rest !== '') yield line(rest, ++number);
  }
  return { size, bytesRead: () => raw.bytesRead, lines: lines() };
}

/** A line without its CR (CRLF files) and, on the first line, without a UTF-8 byte order mark. */
function line(text: string, number: number): FileLine {
  const unix = text.endsWith('\r') ? text.slice(0, -1) : text;
  return { text: number === 1 && unix.charCodeAt(0) === 0xfeff ? unix.slice(1) : unix, number };
}
