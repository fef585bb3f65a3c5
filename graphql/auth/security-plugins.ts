import type { Plugin } from 'graphql-yoga';
import type { ArmorOptions } from '../graphql-options';

/** Query depth/cost/alias/token limits, per-subject rate limiting, introspection switch. */
export function createSecurityPlugins(options: ArmorOptions & { introspection: boolean }): Plugin[] {
  void options;
  return [];
}
