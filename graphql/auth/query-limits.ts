import { EnvelopArmor } from '@escape.tech/graphql-armor';
import { GraphQLError, type ValidationContext } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { ArmorOptions } from '../graphql-options';

/** `extensions.code` of an operation refused by a document limit (before anything executes). */
export const queryLimitCodes = {
  QUERY_TOO_DEEP: 'The selection is deeper than MF_GRAPHQL_MAX_DEPTH',
  QUERY_TOO_COSTLY: 'The computed cost exceeds MF_GRAPHQL_MAX_COST, or its list sizes multiplied exceed MF_GRAPHQL_MAX_LIST_ITEMS',
  TOO_MANY_ALIASES: 'More aliases than MF_GRAPHQL_MAX_ALIASES',
  TOO_MANY_TOKENS: 'The document has more tokens than MF_GRAPHQL_MAX_TOKENS',
  TOO_MANY_DIRECTIVES: `More directives than the fixed limit (maxDirectives)`,
} as const;
export type QueryLimitCode = keyof typeof queryLimitCodes;

/** No setting for it: no sane operation of this schema needs more. */
export const maxDirectives = 20;

/**
 * Armor's errors carry no code and a "Syntax Error:" prefix; each limit reports its own error
 * (a validation error: HTTP 400 with application/graphql-response+json) with a stable code and
 * the limit in `extensions.limit`.
 */
function reject(code: QueryLimitCode, limit: number): ((context: ValidationContext | null, error: GraphQLError) => void)[] {
  return [
    (context, armorError) => {
      const error = new GraphQLError(armorError.message.replace(/^Syntax Error: /, ''), { extensions: { code, limit } });
      // Validation rules report into the validation context; the token limit runs in the parser, which has none: throwing fails the parse.
      if (context) context.reportError(error);
      else throw error;
    },
  ];
}

/**
 * graphql-armor limits on depth, cost, aliases, tokens and directives; with blockFieldSuggestions
 * also armor's masking of "Did you mean …?" in validation errors.
 */
export function createQueryLimitPlugins(options: ArmorOptions & { blockFieldSuggestions: boolean }): Plugin[] {
  const armor = new EnvelopArmor({
    maxDepth: { n: options.maxDepth, onReject: reject('QUERY_TOO_DEEP', options.maxDepth), propagateOnRejection: false },
    costLimit: { maxCost: options.maxCost, onReject: reject('QUERY_TOO_COSTLY', options.maxCost), propagateOnRejection: false },
    maxAliases: { n: options.maxAliases, onReject: reject('TOO_MANY_ALIASES', options.maxAliases), propagateOnRejection: false },
    maxTokens: { n: options.maxTokens, onReject: reject('TOO_MANY_TOKENS', options.maxTokens), propagateOnRejection: false },
    maxDirectives: { n: maxDirectives, onReject: reject('TOO_MANY_DIRECTIVES', maxDirectives), propagateOnRejection: false },
    blockFieldSuggestion: { enabled: options.blockFieldSuggestions },
  });
  return armor.protect().plugins as Plugin[];
}
