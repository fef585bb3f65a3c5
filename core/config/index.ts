export { envVariables, type EnvVariable } from './env-spec';
export { loadConfig, type Config, type RawEnv } from './load-config';
export { readJsonFile } from './read-json-file';
