import { badInput } from '../../errors';

// IANA names and fixed offsets: letters, digits, / _ + - only (also keeps the SQL safe).
const zonePattern = /^[A-Za-z0-9/_+-]{1,64}$/;

/** Throws BAD_USER_INPUT naming `field` unless `zone` is a time zone both Node and QuestDB know (IANA name or UTC). */
export function validateTimeZone(field: string, zone: string): void {
  if (!zonePattern.test(zone)) throw badInput(field, `"${zone}" is not an IANA time zone (e.g. Europe/Lisbon, UTC)`);
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
  } catch {
    throw badInput(field, `"${zone}" is not an IANA time zone (e.g. Europe/Lisbon, UTC)`);
  }
}
