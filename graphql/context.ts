import type { QuestdbPool } from '../core/questdb/questdb-sql';

/** What every resolver receives. */
export interface GraphqlContext {
  questdb: QuestdbPool;
  /** Largest row limit a query may ask for. */
  maxRows: number;
}

export function createContext(options: GraphqlContext): () => GraphqlContext {
  return () => options;
}
