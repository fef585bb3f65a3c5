/**
 * True when a JSON text nests arrays and objects deeper than `limit`, counting only brackets
 * outside strings; stops at the first level over. Linear and allocation-free: run it before
 * JSON.parse, which spends seconds of synchronous CPU on 1 MB of `[[[[…]]]]` (and whose reviver
 * overflows the stack on it), stalling everything else the process serves.
 */
export function jsonDepthOver(bytes: Uint8Array, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < bytes.length; i += 1) {
    const byte = bytes[i];
    if (inString) {
      if (byte === 0x5c) i += 1; // backslash: skip the escaped byte
      else if (byte === 0x22) inString = false;
    } else if (byte === 0x22) inString = true;
    else if (byte === 0x5b || byte === 0x7b) {
      depth += 1;
      if (depth > limit) return true;
    } else if (byte === 0x5d || byte === 0x7d) depth -= 1;
  }
  return false;
}
