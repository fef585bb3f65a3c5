import { z } from 'zod';

/** Meter and sector ids: short, printable, safe in MQTT topics, Kafka keys and SQL literals. */
export const idPattern = /^[A-Za-z0-9._:-]+$/;
export const maxIdLength = 64;

/**
 * Printable text only: QuestDB refuses a row holding NUL (with the whole ILP request, so the sink
 * must bisect every flush such a meter's readings are in), and control characters have no place
 * in a unit or a reason.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const printableText = /^[^\u0000-\u001f\u007f]*$/;

/** The field schemas every device message is built from; the streams' wire schemas compose them. */
export const idSchema = z.string().min(1).max(maxIdLength).regex(idPattern);
export const unitSchema = z.string().max(16).regex(printableText, 'must not contain control characters');
/** Finite: JSON such as 1e999 parses to Infinity. */
export const finiteNumber = () => z.number().finite();
/** ISO 8601 with an explicit zone (Z or ±hh:mm), or epoch milliseconds. */
export const timestampSchema = z.union([z.string().max(40), z.number().int().finite()]);
/** An integer a QuestDB LONG stores exactly: zod's .int() alone accepts 1e21, which ILP writes as "1e+21i" and QuestDB refuses. */
export const safeInteger = () => z.number().int().safe();

/** Cuts a string to at most `max` UTF-16 code units, marking the cut, never splitting a surrogate pair. */
export function truncateText(text: string, max: number): string {
  if (text.length <= max) return text;
  const marker = '…';
  let end = max - marker.length;
  const code = text.charCodeAt(end - 1);
  if (code >= 0xd800 && code <= 0xdbff) end -= 1;
  return text.slice(0, end) + marker;
}
