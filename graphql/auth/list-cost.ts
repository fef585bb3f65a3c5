import {
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  isInterfaceType,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLObjectType,
  type GraphQLInterfaceType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { getArgumentValues } from 'graphql/execution/values';

/** Arguments that set how many items a list field returns (readings `limit`, connections `first`). */
const sizeArguments = ['limit', 'first'] as const;

/**
 * How many items an operation may produce at most: every field counts 1, and a list field with
 * a `limit`/`first` argument multiplies its own subtree by that number (its value, from the
 * variables, or the schema default). So 15 aliased `readings(limit: 100000)` cost 1.5 million,
 * and `meters(first: 500) { readings(limit: 1000) }` half a million — what graphql-armor's cost
 * (which ignores arguments) lets through, and what would fill the server's memory.
 * Computed with the variables, so it must run at execution, not at validation.
 */
export function listCost(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, variables: Record<string, unknown> | null | undefined): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  let operation: OperationDefinitionNode | undefined;
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
    else if (definition.kind === Kind.OPERATION_DEFINITION && (!operationName || definition.name?.value === operationName)) operation ??= definition;
  }
  if (!operation) return 0;
  const root = operation.operation === 'query' ? schema.getQueryType() : operation.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
  if (!root) return 0;
  const vars = variables ?? {};

  const cost = (selectionSet: SelectionSetNode, parent: GraphQLObjectType | GraphQLInterfaceType, seen: ReadonlySet<string>): number => {
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const field = parent.getFields()[selection.name.value];
        if (!field) continue; // __typename and the like, or validation's business
        let size = 1;
        if (isListType(getNullableType(field.type)) || sizeArguments.some((name) => field.args.some((a) => a.name === name))) {
          const args = getArgumentValues(field, selection, vars);
          for (const name of sizeArguments) if (typeof args[name] === 'number') size = Math.max(1, args[name]);
        }
        const type = getNamedType(field.type);
        const children = selection.selectionSet && (isObjectType(type) || isInterfaceType(type)) ? cost(selection.selectionSet, type, seen) : 0;
        total += size * (1 + children);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const typeName = selection.typeCondition?.name.value;
        const type = typeName ? schema.getType(typeName) : parent;
        if (type && (isObjectType(type) || isInterfaceType(type))) total += cost(selection.selectionSet, type, seen);
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        // A fragment cycle is a validation error; stop rather than recurse forever.
        if (!fragment || seen.has(name)) continue;
        const type = schema.getType(fragment.typeCondition.name.value);
        if (type && (isObjectType(type) || isInterfaceType(type))) total += cost(fragment.selectionSet, type, new Set([...seen, name]));
      }
    }
    return total;
  };
  return cost(operation.selectionSet, root, new Set());
}
