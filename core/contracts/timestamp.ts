// A zone is required: a local time without one is ambiguous across meters and DST.
const isoWithZone = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** Epoch milliseconds from ISO 8601 (with zone) or an epoch-ms number; null when unreadable. */
export function parseEventTime(input: string | number): number | null {
  if (typeof input === 'number') return Number.isSafeInteger(input) ? input : null;
  const match = isoWithZone.exec(input);
  if (!match) return null;
  const ms = Date.parse(input);
  if (Number.isNaN(ms)) return null;
  // Date.parse rolls impossible dates over (2024-02-30 becomes 1 March): refuse them instead.
  const [year, month, day] = input.slice(0, 10).split('-').map(Number) as [number, number, number];
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return null;
  const [hour, minute] = input.slice(11, 16).split(':').map(Number) as [number, number];
  if (hour > 23 || minute > 59 || (match[1] !== undefined && Number(input.slice(17, 19)) > 59)) return null;
  return ms;
}
