import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { jsonDepthOver } from '../../core/json-depth';

/** Largest POST body read (bytes). No setting for it: no operation of this schema, variables included, needs more. */
export const maxBodyBytes = 1024 * 1024;
/** Deepest nesting of arrays and objects in a JSON body; the schema's inputs need a handful. */
export const maxBodyJsonDepth = 64;

const refuse = (message: string, status: number, code: string, limit?: number) =>
  new GraphQLError(message, { extensions: { code, ...(limit !== undefined ? { limit } : {}), http: { status } } });

/** Reads a body stream, giving up (and cancelling it) as soon as it passes maxBodyBytes, declared length or not. */
async function readLimited(request: Request): Promise<Uint8Array> {
  const declared = Number(request.headers.get('content-length'));
  if (declared > maxBodyBytes) throw refuse(`the request body is ${declared} bytes; the limit is ${maxBodyBytes}`, 413, 'BODY_TOO_LARGE', maxBodyBytes);
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBodyBytes) {
      await reader.cancel().catch(() => undefined);
      throw refuse(`the request body is over ${maxBodyBytes} bytes`, 413, 'BODY_TOO_LARGE', maxBodyBytes);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/**
 * Bounds what one client can make the server read and parse before any limit on the document
 * applies: yoga buffers a POST body whole and JSON.parse runs on the event loop, so a body of
 * hundreds of MB (memory) or 1 MB of `[[[[…]]]]` in `variables` (seconds of CPU) costs every
 * other client. JSON bodies over maxBodyBytes are refused with 413 BODY_TOO_LARGE, nested deeper
 * than maxBodyJsonDepth with 400 BAD_REQUEST, before parsing; other POST bodies by their declared length.
 */
export function createBodyLimitPlugin(): Plugin {
  return {
    onRequestParse({ request, setRequestParser }) {
      if (request.method !== 'POST') return;
      const type = request.headers.get('content-type') ?? '';
      if (!/^application\/(graphql\+)?json\b/i.test(type)) {
        const declared = Number(request.headers.get('content-length'));
        if (declared > maxBodyBytes) throw refuse(`the request body is ${declared} bytes; the limit is ${maxBodyBytes}`, 413, 'BODY_TOO_LARGE', maxBodyBytes);
        return;
      }
      setRequestParser(async (req) => {
        const bytes = await readLimited(req);
        if (jsonDepthOver(bytes, maxBodyJsonDepth)) throw refuse(`the request body nests arrays or objects deeper than ${maxBodyJsonDepth} levels`, 400, 'BAD_REQUEST', maxBodyJsonDepth);
        let body: unknown;
        try {
          body = JSON.parse(new TextDecoder().decode(bytes));
        } catch {
          throw refuse('POST body sent invalid JSON.', 400, 'BAD_REQUEST');
        }
        if (body === null || typeof body !== 'object') throw refuse(`POST body is expected to be object but received ${body === null ? 'null' : typeof body}`, 400, 'BAD_REQUEST');
        return body as Record<string, unknown>;
      });
    },
  };
}
