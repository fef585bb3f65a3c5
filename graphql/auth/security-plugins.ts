import { useDisableIntrospection } from '@graphql-yoga/plugin-disable-introspection';
import type { Plugin } from 'graphql-yoga';
import type { ArmorOptions } from '../graphql-options';
import { createListCostPlugin } from './list-cost-plugin';
import { createQueryLimitPlugins } from './query-limits';
import { createRateLimitPlugin } from './rate-limit-plugin';

/** Query depth/cost/alias/token limits, per-subject rate limiting, introspection switch. */
export function createSecurityPlugins(options: ArmorOptions & { introspection: boolean }): Plugin[] {
  // With introspection off, "Did you mean …?" in validation errors would hand out the schema piecemeal.
  const plugins: Plugin[] = createQueryLimitPlugins({ ...options, blockFieldSuggestions: !options.introspection });
  if (!options.introspection) plugins.push(useDisableIntrospection());
  plugins.push(createListCostPlugin({ maxItems: options.maxListItems }));
  if (options.rateLimitPerMinute > 0) plugins.push(createRateLimitPlugin(options.rateLimitPerMinute));
  return plugins;
}
