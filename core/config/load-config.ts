import { redactUrl } from '../logger';
import { ConfigError } from './config-error';
import { envVariables, type EnvVariable } from './env-spec';

export type RawEnv = Record<string, string | undefined>;
export type ConfigValue = string | number | boolean | string[];

/**
 * Reads and validates every variable once, at startup, and returns a frozen map.
 * An invalid value fails with a message naming the variable and what it accepts.
 */
export function loadConfig(env: RawEnv = process.env): Config {
  const values = new Map<string, ConfigValue>();
  for (const variable of envVariables) {
    const raw = env[variable.name];
    const text = raw === undefined || raw === '' ? expandDefault(variable.default, env) : raw;
    values.set(variable.name, parseValue(variable, text));
  }
  const get = (name: string): ConfigValue => {
    const value = values.get(name);
    if (value === undefined) throw new Error(`${name} is not declared in core/config/env-spec.ts`);
    return value;
  };
  return Object.freeze({
    string: (name: string) => String(get(name)),
    int: (name: string) => get(name) as number,
    bool: (name: string) => get(name) as boolean,
    list: (name: string) => get(name) as string[],
  });
}

/** Typed access to validated configuration; asking for an undeclared variable is a programming error. */
export interface Config {
  string(name: string): string;
  int(name: string): number;
  bool(name: string): boolean;
  list(name: string): string[];
}

// Defaults may refer to the local stack's port variables (`${MF_KAFKA_PORT:-19092}`), so moving
// a port with one variable moves every client with it.
function expandDefault(text: string, env: RawEnv): string {
  return text.replace(/\$\{(\w+):-([^}]*)\}/g, (_, name: string, fallback: string) => env[name] || fallback);
}

function parseValue(variable: EnvVariable, text: string): ConfigValue {
  // A secret's value is never echoed: the message lands in logs and CI output.
  const got = variable.secret ? 'the value set (not shown: secret)' : `"${redactUrl(text)}"`;
  const fail = (expected: string) => new ConfigError('CONFIG_INVALID', variable.name, `${variable.name} must be ${expected}; got ${got} (${variable.description})`);
  switch (variable.parser) {
    case 'int': {
      const n = Number(text);
      if (!/^-?\d+$/.test(text.trim()) || !Number.isSafeInteger(n)) throw fail('an integer');
      if (variable.min !== undefined && n < variable.min) throw fail(`>= ${variable.min}`);
      if (variable.max !== undefined && n > variable.max) throw fail(`<= ${variable.max}`);
      return n;
    }
    case 'bool':
      if (['true', '1', 'yes'].includes(text)) return true;
      if (['false', '0', 'no'].includes(text)) return false;
      throw fail('true or false');
    case 'url':
      try {
        new URL(text);
      } catch {
        throw fail('a URL');
      }
      return text;
    case 'list': {
      const items = text.split(',').map((s) => s.trim()).filter(Boolean);
      if (items.length === 0) throw fail('a comma-separated list');
      return items;
    }
    case 'string':
      if (variable.oneOf && !variable.oneOf.includes(text)) throw fail(`one of ${variable.oneOf.join(', ')}`);
      return text;
  }
}
