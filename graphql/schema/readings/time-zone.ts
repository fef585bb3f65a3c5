import { checkTimeZone } from '../../../core/time/local-time';
import { badInput } from '../../errors';

// IANA names and fixed offsets: letters, digits, / _ + - only (also keeps the SQL safe).
const zonePattern = /^[A-Za-z0-9/_+-]{1,64}$/;

/** True for a time zone both Node and QuestDB know (IANA name or UTC); checkTimeZone memoises valid zones. */
export function isTimeZone(zone: string): boolean {
  if (!zonePattern.test(zone)) return false;
  try {
    checkTimeZone(zone);
    return true;
  } catch {
    return false;
  }
}

/** Throws BAD_USER_INPUT naming `field` unless `zone` is a known time zone. */
export function validateTimeZone(field: string, zone: string): void {
  if (!isTimeZone(zone)) throw badInput(field, `"${zone}" is not an IANA time zone (e.g. Europe/Lisbon, UTC)`);
}
