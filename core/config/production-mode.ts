import { ConfigError } from './config-error';
import { envVariables, type EnvVariable } from './env-spec';
import type { Config } from './load-config';

/**
 * Production mode: one switch for every service. `MF_MODE=production` (compose and k8s set it);
 * GraphQL's own `MF_GRAPHQL_MODE` follows it by default, and either one set to production makes
 * the service production, so no service is stricter or looser than the API next to it.
 *
 * In production a service refuses to start when a secret it reads is a documented default
 * (env-spec defaults such as `meterflow-dev`, `quest`), a placeholder from deploy/.env.example
 * or the k8s example Secret (`change-me…`), shorter than 16 characters, or — for
 * MF_METER_MASTER_KEY, from which every meter's MQTT password and command key derive — less
 * than 32 random bytes. Errors name the variable, never its value.
 */
export type RunMode = 'development' | 'production';

/** The services that call {@link checkProductionConfig} through core/cli.ts; names as in env-spec `usedBy`. */
export type ServiceName = 'bridge' | 'sink' | 'processors' | 'graphql';

export function runMode(config: Config): RunMode {
  return config.string('MF_MODE') === 'production' || config.string('MF_GRAPHQL_MODE') === 'production' ? 'production' : 'development';
}

/** Shortest production password: 16 characters (what GraphQL already asks of an API key). */
export const minPasswordLength = 16;
/** 32 bytes, as 64 hex digits or 43 base64/base64url characters (`openssl rand -hex 32`). */
export const minMasterKeyBytes = 32;

// Words that only ever appear in a secret as a placeholder. A real random secret cannot contain
// them by accident (a 24-byte base64 secret holding "changeme" has odds of about 2^-40).
const placeholderPattern = /change[-_ .]?me|changeit|placeholder|replace[-_ ]?(?:me|this)|your[-_ ]?(?:password|secret|key)|<[^>]*>|^x{3,}$|^\*+$/i;
// Values a person types when asked for a password, refused whole.
const trivialValues = new Set(['password', 'secret', 'admin', 'quest', 'test', 'dev', 'development', 'example', 'default', 'meterflow', 'grafana', '123456', 'letmein']);

/** Every default of a secret in env-spec: published in the configuration table (docs/configuration.md), so known to anyone. */
const documentedDefaults = new Set(envVariables.filter((v) => v.secret && v.default !== '').map((v) => v.default));

/** Why `value` is not acceptable as a production secret, or null. Never includes the value. */
export function weakSecretReason(value: string, kind: 'password' | 'master-key'): string | null {
  if (documentedDefaults.has(value) || /^meterflow-dev/i.test(value)) return 'is a documented development default';
  if (placeholderPattern.test(value)) return 'is a placeholder from the examples';
  if (trivialValues.has(value.toLowerCase())) return 'is a well-known default password';
  if (kind === 'master-key') return masterKeyReason(value);
  if (value.length < minPasswordLength) return `is shorter than ${minPasswordLength} characters`;
  if (new Set(value).size < 6) return 'repeats too few distinct characters to be random';
  return null;
}

function masterKeyReason(value: string): string | null {
  const expected = `must be at least ${minMasterKeyBytes} random bytes: ${minMasterKeyBytes * 2}+ hex digits or ${Math.ceil((minMasterKeyBytes * 4) / 3)}+ base64 characters (openssl rand -hex ${minMasterKeyBytes})`;
  let bytes: Buffer;
  if (/^[0-9a-fA-F]+$/.test(value) && value.length % 2 === 0) bytes = Buffer.from(value, 'hex');
  else if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(value)) bytes = Buffer.from(value.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  else return `${expected}; it is neither hex nor base64`;
  if (bytes.length < minMasterKeyBytes) return `${expected}; it decodes to ${bytes.length}`;
  // 32 random bytes have about 30 distinct values (birthday bound); fewer than 16 means a
  // pattern ("00…00", "abab…") that passed the length test, not randomness.
  if (new Set(bytes).size < 16) return `${expected}; it repeats a pattern`;
  return null;
}

/**
 * Throws ConfigError CONFIG_INSECURE naming every offending variable (all at once, so one
 * restart fixes them all) when `service` runs in production mode with a weak secret. In
 * development mode it does nothing: the documented defaults are what the local stack uses.
 */
export function checkProductionConfig(config: Config, service: ServiceName): void {
  if (runMode(config) !== 'production') return;
  const problems: Array<{ variable: string; reason: string }> = [];
  if (config.string('MF_MODE') === 'production' && config.string('MF_GRAPHQL_MODE') === 'development') {
    problems.push({ variable: 'MF_GRAPHQL_MODE', reason: 'is development while MF_MODE is production (unset it to follow MF_MODE)' });
  }
  for (const variable of secretsOf(service)) {
    const value = config.string(variable.name);
    // An optional secret left empty (JWT secret, inline API keys) is simply not used.
    if (value === '' && variable.default === '') continue;
    const reason = variable.secret === 'api-keys' ? apiKeysReason(value) : variable.secret === 'opaque' ? null : weakSecretReason(value, variable.secret!);
    if (reason) problems.push({ variable: variable.name, reason });
  }
  if (problems.length === 0) return;
  const list = problems.map((p) => `${p.variable} ${p.reason}`).join('; ');
  throw new ConfigError('CONFIG_INSECURE', problems[0]!.variable, `production mode refuses to start ${service}: ${list}. Generate each secret (docs/operations.md § Production checklist).`);
}

/** The secrets `service` reads (env-spec `usedBy`). */
export function secretsOf(service: ServiceName): EnvVariable[] {
  return envVariables.filter((v) => v.secret && v.usedBy.split(',').map((s) => s.trim()).includes(service));
}

// `<name>:<role>[:<customerId>]=<key>`, comma-separated: each key is a password. Entries are
// named by their position and name, never by their key.
function apiKeysReason(value: string): string | null {
  const entries = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const [index, entry] of entries.entries()) {
    const eq = entry.indexOf('=');
    const head = eq > 0 ? (entry.slice(0, eq).split(':')[0] ?? '') : '';
    // Only a name of the usual shape (and shorter than a generated key) is quoted back: a
    // malformed entry may be a pasted key.
    const name = /^[A-Za-z0-9._-]{1,64}$/.test(head) && head.length < 32 ? head : `#${index + 1}`;
    const reason = weakSecretReason(eq > 0 ? entry.slice(eq + 1) : entry, 'password');
    if (reason) return `has a key (${name}) that ${reason}`;
  }
  return null;
}
