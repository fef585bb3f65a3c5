import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import type { Plugin } from 'graphql-yoga';
import type { ArmorOptions } from '../graphql-options';
import { createBodyLimitPlugin } from './body-limit-plugin';
import { createListCostPlugin } from './list-cost-plugin';
import { createQueryLimitPlugins } from './query-limits';
import { createRateLimitPlugin } from './rate-limit-plugin';

/** Request body size and JSON depth, query depth/cost/alias/token limits, per-subject rate limiting, introspection switch. */
export function createSecurityPlugins(options: ArmorOptions & { introspection: boolean }): Plugin[] {
  // The body first: nothing else may read or parse more than it allows. With introspection off,
  // "Did you mean …?" in validation errors would hand out the schema piecemeal.
  const plugins: Plugin[] = [createBodyLimitPlugin(), ...createQueryLimitPlugins({ ...options, blockFieldSuggestions: !options.introspection })];
  if (!options.introspection) plugins.push(useDisableIntrospection());
  plugins.push(createListCostPlugin({ maxItems: options.maxListItems }));
  if (options.rateLimitPerMinute > 0) plugins.push(createRateLimitPlugin(options.rateLimitPerMinute));
  return plugins;
}
