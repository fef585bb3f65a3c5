import { MeterflowError, type ErrorCode } from '../errors';

/** A configuration error that names the variable (`variable`), so callers and tests need not parse the message. */
export class ConfigError extends MeterflowError {
  readonly variable: string;

  constructor(code: Extract<ErrorCode, 'CONFIG_INVALID' | 'CONFIG_INSECURE'>, variable: string, message: string) {
    super(code, message);
    this.name = 'ConfigError';
    this.variable = variable;
  }
}
