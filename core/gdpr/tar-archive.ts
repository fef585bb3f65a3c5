import { gzipSync } from 'node:zlib';

export interface ArchiveFile {
  /** Path inside the archive, ASCII, at most 100 bytes. */
  name: string;
  content: Buffer | string;
}

/**
 * A gzip-compressed POSIX ustar archive (`tar -xzf` opens it) of regular files, all dated
 * `mtimeMs`: the same files make the same bytes. Written by hand (512-byte header, content padded
 * to 512, two zero blocks at the end) because node has zlib but no tar, and these archives only
 * ever hold a manifest and a few JSON-lines files.
 */
export function tarGz(files: readonly ArchiveFile[], mtimeMs: number): Buffer {
  const blocks: Buffer[] = [];
  for (const file of files) {
    const content = typeof file.content === 'string' ? Buffer.from(file.content, 'utf8') : file.content;
    blocks.push(ustarHeader(file.name, content.length, Math.floor(mtimeMs / 1000)), content, Buffer.alloc((512 - (content.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return gzipSync(Buffer.concat(blocks));
}

function ustarHeader(name: string, size: number, mtimeS: number): Buffer {
  if (!/^[\x20-\x7e]{1,100}$/.test(name)) throw new Error(`tarGz: file name ${JSON.stringify(name)} must be 1-100 printable ASCII characters`);
  const header = Buffer.alloc(512);
  const put = (offset: number, length: number, text: string) => header.write(text, offset, length, 'ascii');
  // Numeric fields are zero-padded octal ending in NUL (POSIX.1-1988 ustar).
  const octal = (offset: number, length: number, value: number) => put(offset, length, `${value.toString(8).padStart(length - 1, '0')}\0`);
  put(0, 100, name);
  octal(100, 8, 0o644);
  octal(108, 8, 0);
  octal(116, 8, 0);
  octal(124, 12, size);
  octal(136, 12, mtimeS);
  put(148, 8, '        '); // the checksum is computed with its own field as spaces
  put(156, 1, '0'); // a regular file
  put(257, 6, 'ustar\0');
  put(263, 2, '00');
  let sum = 0;
  for (const byte of header) sum += byte;
  put(148, 8, `${sum.toString(8).padStart(6, '0')}\0 `);
  return header;
}
