import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { idPattern, maxIdLength } from '../../core/contracts';
import { MeterflowError } from '../../core/errors';
import { roles, type Principal, type Role } from './principal';

/** One configured API key: who it is and the sha256 of the key (the key itself is never kept). */
export interface ApiKeyRecord {
  name: string;
  role: Role;
  customerId: string | null;
  /** Lowercase hex sha256 of the key. */
  sha256: string;
}

/** Looks a presented key up by its hash. */
export interface ApiKeyStore {
  lookup(presentedKey: string): Principal | null;
  /** Names of the keys, for startup logs. */
  names(): string[];
}

/** Shorter keys are refused at startup: a guessable key is no key. */
export const minApiKeyLength = 16;

/**
 * Built-in keys for development mode only (documented, hence public): installed when no other
 * credentials are configured, never in production.
 */
export const devApiKeys: readonly { name: string; role: Role; customerId: string | null; key: string }[] = [
  { name: 'dev-admin', role: 'admin', customerId: null, key: 'meterflow-dev-admin-key' },
  { name: 'dev-analyst', role: 'analyst', customerId: null, key: 'meterflow-dev-analyst-key' },
  { name: 'dev-customer', role: 'customer', customerId: 'demo-customer', key: 'meterflow-dev-customer-key' },
];

const namePattern = /^[A-Za-z0-9._-]{1,64}$/;
const sha256Pattern = /^[0-9a-fA-F]{64}$/;

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

function invalid(variable: string, where: string, problem: string): MeterflowError {
  return new MeterflowError('CONFIG_INVALID', `${variable}: ${where}: ${problem}`);
}

/** Checks name, role and customer id of one entry; `where` names the entry (position and name, never the key). */
function checkIdentity(variable: string, where: string, name: unknown, role: unknown, customerId: unknown): { name: string; role: Role; customerId: string | null } {
  if (typeof name !== 'string' || !namePattern.test(name)) throw invalid(variable, where, 'name must be 1-64 characters of [A-Za-z0-9._-]');
  if (typeof role !== 'string' || !roles.includes(role as Role)) throw invalid(variable, where, `role must be one of ${roles.join(', ')}`);
  const hasCustomer = customerId !== undefined && customerId !== null && customerId !== '';
  if (role === 'customer') {
    if (!hasCustomer) throw invalid(variable, where, 'role customer requires a customer id');
    if (typeof customerId !== 'string' || customerId.length > maxIdLength || !idPattern.test(customerId)) {
      throw invalid(variable, where, `customer id must be 1-${maxIdLength} characters of [A-Za-z0-9._:-]`);
    }
    return { name, role, customerId };
  }
  if (hasCustomer) throw invalid(variable, where, `role ${role} must not have a customer id (only customers do)`);
  return { name, role: role as Role, customerId: null };
}

/**
 * Inline entries `<name>:<role>[:<customerId>]=<key>` (MF_GRAPHQL_API_KEYS). Error messages
 * name the entry by position and name only: an entry without '=' may be nothing but a key.
 */
export function parseInlineApiKeys(entries: readonly string[]): ApiKeyRecord[] {
  const variable = 'MF_GRAPHQL_API_KEYS';
  return entries.map((entry, index) => {
    const eq = entry.indexOf('=');
    if (eq < 0) throw invalid(variable, `entry ${index + 1}`, 'expected <name>:<role>[:<customerId>]=<key>');
    const [name, role, ...rest] = entry.slice(0, eq).split(':');
    const key = entry.slice(eq + 1);
    // Only a name of the allowed shape is quoted back (anything else could be a pasted secret).
    const where = name && namePattern.test(name) ? `entry ${index + 1} (${name})` : `entry ${index + 1}`;
    const identity = checkIdentity(variable, where, name, role, rest.length > 0 ? rest.join(':') : undefined);
    if (key.length < minApiKeyLength) throw invalid(variable, where, `key must be at least ${minApiKeyLength} characters`);
    return { ...identity, sha256: hashApiKey(key) };
  });
}

/** The JSON key file (MF_GRAPHQL_API_KEYS_FILE): `[{name, role, customerId?, sha256}]`. */
export function loadApiKeysFile(path: string): ApiKeyRecord[] {
  const variable = 'MF_GRAPHQL_API_KEYS_FILE';
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new MeterflowError('CONFIG_INVALID', `${variable}: cannot read ${path} as JSON: ${(error as Error).message}`, { cause: error });
  }
  if (!Array.isArray(parsed)) throw invalid(variable, path, 'expected a JSON array of {name, role, customerId?, sha256}');
  return parsed.map((item: unknown, index) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw invalid(variable, `${path} entry ${index + 1}`, 'expected an object');
    const entry = item as Record<string, unknown>;
    const where = typeof entry.name === 'string' && namePattern.test(entry.name) ? `${path} entry ${index + 1} (${entry.name})` : `${path} entry ${index + 1}`;
    const unknownFields = Object.keys(entry).filter((k) => !['name', 'role', 'customerId', 'sha256'].includes(k));
    // A stray "key" field would mean a plain key was written where its hash belongs.
    if (unknownFields.length > 0) throw invalid(variable, where, `unknown field(s) ${unknownFields.join(', ')}; expected name, role, customerId, sha256`);
    const identity = checkIdentity(variable, where, entry.name, entry.role, entry.customerId);
    if (typeof entry.sha256 !== 'string' || !sha256Pattern.test(entry.sha256)) throw invalid(variable, where, 'sha256 must be 64 hex digits (sha256 of the key)');
    return { ...identity, sha256: entry.sha256.toLowerCase() };
  });
}

/** Keys by hash; duplicates (same name or same key twice) are configuration errors. */
export function createApiKeyStore(records: readonly ApiKeyRecord[]): ApiKeyStore {
  const byHash = new Map<string, Principal>();
  const names = new Set<string>();
  for (const record of records) {
    if (names.has(record.name)) throw new MeterflowError('CONFIG_INVALID', `MF_GRAPHQL_API_KEYS: key name ${record.name} is used twice (MF_GRAPHQL_API_KEYS and MF_GRAPHQL_API_KEYS_FILE together)`);
    if (byHash.has(record.sha256)) throw new MeterflowError('CONFIG_INVALID', `MF_GRAPHQL_API_KEYS: key ${record.name} has the same key as ${byHash.get(record.sha256)!.subject}`);
    names.add(record.name);
    byHash.set(record.sha256, { subject: record.name, role: record.role, customerId: record.customerId, via: 'api-key' });
  }
  return {
    // The lookup is by hash, so timing depends on the digest, not on how much of a real key matched.
    lookup: (presentedKey) => byHash.get(hashApiKey(presentedKey)) ?? null,
    names: () => [...names],
  };
}
