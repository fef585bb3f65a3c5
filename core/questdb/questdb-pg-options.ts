import type { Config } from '../config';
import type { QuestdbPgOptions } from './questdb-sql';

/** QuestDB's PostgreSQL-wire connection from the MF_QUESTDB_PG_* settings; every service that queries QuestDB reads it the same way. */
export function questdbPgFromConfig(config: Config): QuestdbPgOptions {
  return {
    host: config.string('MF_QUESTDB_PG_HOST'),
    port: config.int('MF_QUESTDB_PG_PORT'),
    user: config.string('MF_QUESTDB_PG_USER'),
    password: config.string('MF_QUESTDB_PG_PASSWORD'),
    database: config.string('MF_QUESTDB_PG_DATABASE'),
  };
}
