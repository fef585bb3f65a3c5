import { checkTimeZone } from '../time/local-time';
import { ConfigError } from './config-error';

/** An IANA zone read from `variable`, or a ConfigError naming the variable. */
export function timeZoneVariable(variable: string, zone: string): string {
  try {
    return checkTimeZone(zone);
  } catch (error) {
    throw new ConfigError('CONFIG_INVALID', variable, `${variable}: ${(error as Error).message}`);
  }
}
