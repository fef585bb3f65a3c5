import { badInput } from '../../errors';

// IANA names and fixed offsets: letters, digits, / _ + - only (also keeps the SQL safe).
const zonePattern = /^[A-Za-z0-9/_+-]{1,64}$/;
// Building an Intl.DateTimeFormat costs ~0.5 ms: a dashboard query names the same zone every time.
const known = new Set<string>();

/** True for a time zone both Node and QuestDB know (IANA name or UTC). */
export function isTimeZone(zone: string): boolean {
  if (known.has(zone)) return true;
  if (!zonePattern.test(zone)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    return false;
  }
  // Valid names only, so the set is bounded by the IANA database.
  known.add(zone);
  return true;
}

/** Throws BAD_USER_INPUT naming `field` unless `zone` is a known time zone. */
export function validateTimeZone(field: string, zone: string): void {
  if (!isTimeZone(zone)) throw badInput(field, `"${zone}" is not an IANA time zone (e.g. Europe/Lisbon, UTC)`);
}
