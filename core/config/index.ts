export { envVariables, type EnvVariable } from './env-spec';
export { loadConfig, type Config, type RawEnv } from './load-config';
export { readJsonFile } from './read-json-file';
export { ConfigError } from './config-error';
export { checkProductionConfig, runMode, secretsOf, weakSecretReason, type RunMode, type ServiceName } from './production-mode';
export { timeZoneVariable } from './time-zone-variable';
