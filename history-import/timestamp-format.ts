import { parseEventTime } from '../core/contracts';
import { fromLocal } from '../core/time/local-time';

/** Epoch ms of a timestamp field, or null when the text is not of the format (or not a real date). */
export type TimestampReader = (text: string) => number | null;

const tokens: Record<string, { group: string; part: 'year' | 'month' | 'day' | 'hour' | 'minute' | 'second' }> = {
  yyyy: { group: '(\\d{4})', part: 'year' },
  mm: { group: '(\\d{1,2})', part: 'month' },
  dd: { group: '(\\d{1,2})', part: 'day' },
  HH: { group: '(\\d{1,2})', part: 'hour' },
  MM: { group: '(\\d{1,2})', part: 'minute' },
  SS: { group: '(\\d{1,2})', part: 'second' },
};
const tokenPattern = /yyyy|mm|dd|HH|MM|SS/g;

/**
 * Compiles a timestamp format once per import (not per row):
 * - `iso`: ISO 8601; with an offset or Z it is absolute, without one it is local time in `zone`;
 * - `epoch-ms`, `epoch-s`: integers;
 * - a pattern of yyyy mm dd HH MM SS and literal characters, read as local time in `zone`
 *   (DAIAD: `dd/mm/yyyy HH:MM:SS`). Local times go through core/time/local-time.ts fromLocal:
 *   a time skipped by a DST jump moves forward by the gap, a time that exists twice (fall-back)
 *   is its first occurrence.
 * Null for an unknown format.
 */
export function compileTimestampFormat(format: string, zone: string): TimestampReader | null {
  if (format === 'epoch-ms') return (text) => integer(text);
  if (format === 'epoch-s') return (text) => {
    const n = integer(text);
    return n === null || !Number.isSafeInteger(n * 1000) ? null : n * 1000;
  };
  if (format === 'iso') {
    const local = compilePattern('yyyy-mm-ddTHH:MM:SS', zone)!;
    const localMinutes = compilePattern('yyyy-mm-ddTHH:MM', zone)!;
    return (text) => {
      const t = text.trim();
      if (/(Z|[+-]\d{2}:?\d{2})$/.test(t)) return parseEventTime(t.replace(' ', 'T'));
      const plain = t.replace(' ', 'T').replace(/\.\d+$/, '');
      return local(plain) ?? localMinutes(plain);
    };
  }
  return compilePattern(format, zone);
}

function integer(text: string): number | null {
  const t = text.trim();
  if (!/^-?\d{1,16}$/.test(t)) return null;
  const n = Number(t);
  return Number.isSafeInteger(n) ? n : null;
}

function compilePattern(format: string, zone: string): TimestampReader | null {
  const parts: (typeof tokens)[string]['part'][] = [];
  let source = '';
  let last = 0;
  for (const match of format.matchAll(tokenPattern)) {
    source += escapeRegex(format.slice(last, match.index));
    const token = tokens[match[0]]!;
    source += token.group;
    parts.push(token.part);
    last = match.index! + match[0].length;
  }
  source += escapeRegex(format.slice(last));
  // A pattern must name the date fully; time fields missing are 0.
  if (!parts.includes('year') || !parts.includes('month') || !parts.includes('day')) return null;
  if (new Set(parts).size !== parts.length) return null;
  const regex = new RegExp(`^${source}$`);
  return (text) => {
    const match = regex.exec(text.trim());
    if (!match) return null;
    const v = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
    parts.forEach((part, i) => (v[part] = Number(match[i + 1])));
    if (v.month < 1 || v.month > 12 || v.day < 1 || v.day > new Date(Date.UTC(v.year, v.month, 0)).getUTCDate()) return null;
    if (v.hour > 23 || v.minute > 59 || v.second > 59) return null;
    return fromLocal(zone, v.year, v.month, v.day, v.hour, v.minute) + v.second * 1000;
  };
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
