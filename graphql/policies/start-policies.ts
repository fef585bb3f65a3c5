import type { Logger } from '../../core/logger';
import type { GraphqlServices } from '../context';
import type { PolicyOptions } from '../graphql-options';

export interface Policies {
  stop(): Promise<void>;
}

export function startPolicies(options: { services: GraphqlServices; policies: PolicyOptions; logger: Logger }): Policies {
  void options;
  return { stop: async () => {} };
}
