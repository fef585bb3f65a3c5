import { GraphQLError } from 'graphql';

/** A client mistake: `extensions.code` is stable, `extensions.field` names the argument at fault. */
export function badInput(field: string, message: string): GraphQLError {
  return new GraphQLError(`${field}: ${message}`, { extensions: { code: 'BAD_USER_INPUT', field } });
}
