import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MeterflowError } from '../../../../core/errors';
import { createApiKeyStore, hashApiKey, loadApiKeysFile, parseInlineApiKeys } from '../../../../graphql/auth/api-keys';

/** What `fn` threw: must be CONFIG_INVALID. */
function configError(fn: () => unknown): MeterflowError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(MeterflowError);
    expect((error as MeterflowError).code).toBe('CONFIG_INVALID');
    return error as MeterflowError;
  }
  throw new Error('expected CONFIG_INVALID, nothing was thrown');
}

const key = 'k-0123456789abcdef';

describe('parseInlineApiKeys', () => {
  it('parses each role, customer ids (also with colons) and keys containing "="', () => {
    const records = parseInlineApiKeys([`ops:admin=${key}`, `bi:analyst=${key}x`, `acme:customer:cust-7=${key}==`, `utility:customer:region:42=${key}y`]);
    expect(records).toEqual([
      { name: 'ops', role: 'admin', customerId: null, sha256: hashApiKey(key) },
      { name: 'bi', role: 'analyst', customerId: null, sha256: hashApiKey(`${key}x`) },
      { name: 'acme', role: 'customer', customerId: 'cust-7', sha256: hashApiKey(`${key}==`) },
      { name: 'utility', role: 'customer', customerId: 'region:42', sha256: hashApiKey(`${key}y`) },
    ]);
  });

  it.each([
    ['no "=" (the entry may be a bare key: not quoted)', 'just-a-secret-key-0123456789', /MF_GRAPHQL_API_KEYS: entry 2: expected <name>:<role>/],
    ['unknown role', `x:root=${key}`, /MF_GRAPHQL_API_KEYS: entry 2 \(x\): role must be one of admin, analyst, customer/],
    ['missing role', `x=${key}`, /entry 2 \(x\): role must be/],
    ['customer without customer id', `c:customer=${key}`, /entry 2 \(c\): role customer requires a customer id/],
    ['admin with a customer id', `a:admin:cust-1=${key}`, /entry 2 \(a\): role admin must not have a customer id/],
    ['analyst with a customer id', `a:analyst:cust-1=${key}`, /entry 2 \(a\): role analyst must not have a customer id/],
    ['bad customer id', `c:customer:bad id=${key}`, /entry 2 \(c\): customer id must be/],
    ['empty name', `:admin=${key}`, /entry 2: name must be/],
    ['bad name', `my key:admin=${key}`, /entry 2: name must be/],
    ['key shorter than 16 characters', 'short:admin=abc123', /entry 2 \(short\): key must be at least 16 characters/],
  ])('refuses %s, naming the variable and the entry but never the key', (_, entry, message) => {
    const error = configError(() => parseInlineApiKeys([`fine:admin=${key}`, entry]));
    expect(error.message).toMatch(message);
    const secret = entry.includes('=') ? entry.slice(entry.indexOf('=') + 1) : entry;
    expect(error.message).not.toContain(secret);
  });
});

describe('loadApiKeysFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mf-keys-'));
  const file = (name: string, content: string) => {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  };

  it('loads hashed keys; the hash is matched case-insensitively', () => {
    const path = file('ok.json', JSON.stringify([
      { name: 'ops', role: 'admin', sha256: hashApiKey(key).toUpperCase() },
      { name: 'acme', role: 'customer', customerId: 'cust-7', sha256: hashApiKey(`${key}2`) },
    ]));
    const store = createApiKeyStore(loadApiKeysFile(path));
    expect(store.lookup(key)).toEqual({ subject: 'ops', role: 'admin', customerId: null, via: 'api-key' });
    expect(store.lookup(`${key}2`)).toEqual({ subject: 'acme', role: 'customer', customerId: 'cust-7', via: 'api-key' });
    expect(store.lookup(`${key}3`)).toBeNull();
  });

  it.each([
    ['not JSON', '[{', /MF_GRAPHQL_API_KEYS_FILE: cannot read .* as JSON/],
    ['not an array', '{"name":"x"}', /expected a JSON array/],
    ['an entry that is not an object', '["x"]', /entry 1: expected an object/],
    ['a bad sha256', JSON.stringify([{ name: 'ops', role: 'admin', sha256: 'abc' }]), /entry 1 \(ops\): sha256 must be 64 hex digits/],
    ['a plain key where the hash belongs', JSON.stringify([{ name: 'ops', role: 'admin', key }]), /entry 1 \(ops\): unknown field\(s\) key/],
    ['a customer without customerId', JSON.stringify([{ name: 'c', role: 'customer', sha256: hashApiKey(key) }]), /entry 1 \(c\): role customer requires a customer id/],
    ['an analyst with customerId', JSON.stringify([{ name: 'a', role: 'analyst', customerId: 'x', sha256: hashApiKey(key) }]), /entry 1 \(a\): role analyst must not have/],
  ])('refuses %s', (name, content, message) => {
    const error = configError(() => loadApiKeysFile(file(`${name.replace(/\W+/g, '-')}.json`, content)));
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain(key);
  });

  it('refuses a missing file, naming the variable', () => {
    expect(configError(() => loadApiKeysFile(join(dir, 'missing.json'))).message).toMatch(/^MF_GRAPHQL_API_KEYS_FILE: cannot read/);
  });
});

describe('createApiKeyStore', () => {
  it('finds a principal by the presented key only', () => {
    const store = createApiKeyStore(parseInlineApiKeys([`ops:admin=${key}`, `acme:customer:cust-7=${key}-acme`]));
    expect(store.lookup(key)?.subject).toBe('ops');
    expect(store.lookup(`${key}-acme`)).toEqual({ subject: 'acme', role: 'customer', customerId: 'cust-7', via: 'api-key' });
    expect(store.lookup(key.slice(0, -1))).toBeNull();
    expect(store.names()).toEqual(['ops', 'acme']);
  });

  it('refuses the same name twice and the same key twice, without quoting the key', () => {
    expect(configError(() => createApiKeyStore(parseInlineApiKeys([`ops:admin=${key}`, `ops:analyst=${key}x`]))).message).toMatch(/key name ops is used twice/);
    const twice = configError(() => createApiKeyStore(parseInlineApiKeys([`ops:admin=${key}`, `bi:analyst=${key}`])));
    expect(twice.message).toMatch(/key bi has the same key as ops/);
    expect(twice.message).not.toContain(key);
  });
});
