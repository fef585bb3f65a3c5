import { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { listCost } from './list-cost';

export interface ListCostOptions {
  /** Most items (fields × list sizes) one operation may ask for (MF_GRAPHQL_MAX_LIST_ITEMS). */
  maxItems: number;
}

/**
 * Refuses, before any resolver runs, an operation whose list sizes multiply beyond maxItems
 * (list-cost.ts): QUERY_TOO_COSTLY with the computed cost and the limit. Runs at execution
 * because list sizes often come from variables.
 */
export function createListCostPlugin(options: ListCostOptions): Plugin {
  const check = (args: { schema: Parameters<typeof listCost>[0]; document: Parameters<typeof listCost>[1]; operationName?: string | null; variableValues?: Record<string, unknown> | null }) => {
    const cost = listCost(args.schema, args.document, args.operationName, args.variableValues);
    if (cost <= options.maxItems) return null;
    return new GraphQLError(`the operation asks for up to ${cost} items (list sizes multiplied), more than MF_GRAPHQL_MAX_LIST_ITEMS = ${options.maxItems}; ask for fewer rows or split it`, {
      extensions: { code: 'QUERY_TOO_COSTLY', limit: options.maxItems, cost, field: 'limit' },
    });
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const error = check(args);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const error = check(args);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
  };
}
