import { ConfigError } from '../../core/config/config-error';
import { meterMqttPassword } from '../../deploy/stack/meter-accounts';
import type { LoadSettings } from './load-settings';

export interface MqttLogin {
  username: string;
  password: string;
}

export interface CredentialSource {
  /** File mode: the n-th (0-based) device id of the file, which the n-th ingest VU becomes; null in the other modes (ids come from the run id). */
  deviceIdAt(n: number): string | null;
  /** The login of a meter (or, with `gateway`, of a gateway). */
  loginFor(id: string, gateway: boolean): MqttLogin;
}

/**
 * How ingest VUs log in (MF_LOAD_AUTH):
 * - `meter`: username = meter id, password = deriveMeterSecret(MF_METER_MASTER_KEY, id,
 *   'mqtt-password'), exactly what deploy/stack/meter-accounts.ts provisions; a gateway has no
 *   per-meter account (the broker's ACL patterns are meters/%u/…) and uses the fleet account;
 * - `file`: the password the credentials file gives for the id (gateways too), else an error
 *   naming the file;
 * - `fleet`: everyone shares MF_MQTT_FLEET_USERNAME (distinct client ids keep the sessions apart).
 */
export function createCredentialSource(settings: LoadSettings): CredentialSource {
  const { mode, credentials, fleet, masterKey } = settings.auth;
  const ids = credentials ? [...credentials.keys()] : [];
  return {
    deviceIdAt(n) {
      if (mode !== 'file') return null;
      const id = ids[n];
      if (id === undefined) {
        throw new ConfigError('CONFIG_INVALID', 'MF_LOAD_CREDENTIALS_FILE', `MF_LOAD_CREDENTIALS_FILE holds ${ids.length} accounts but the test needs at least ${n + 1} ingest VUs' worth`);
      }
      return id;
    },
    loginFor(id, gateway) {
      if (mode === 'fleet') return fleet;
      if (mode === 'meter') return gateway ? fleet : { username: id, password: meterMqttPassword(masterKey, id) };
      const password = credentials?.get(id);
      if (password === undefined) throw new ConfigError('CONFIG_INVALID', 'MF_LOAD_CREDENTIALS_FILE', `MF_LOAD_CREDENTIALS_FILE has no line for "${id}"`);
      return { username: id, password };
    },
  };
}
