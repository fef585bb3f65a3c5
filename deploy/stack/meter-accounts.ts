import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { idPattern, maxIdLength } from '../../core/contracts/wire-fields';
import { deriveMeterSecret } from '../../core/security/meter-secrets';
import { mqttUrl, tryConnect } from './mosquitto-client';
import { assemblePasswordFile, hashPasswords, mergePasswordEntries, parsePasswordFile, renderPasswordFile, writeFileAtomically, type Account } from './password-file';
import { isOurProcess, readPid, serverFiles } from './process-control';
import { findProgram } from './requirements';
import { StackError } from './stack-error';
import { withStackLock } from './stack-lock';
import type { StackOptions } from './stack-options';

/**
 * Per-meter MQTT accounts of the local stack: a meter logs in with its id as username and a
 * password derived from the master key, and the ACL's `pattern` lines (mosquitto-server.ts)
 * confine it to its own topics. Provisioned meters are kept in meter-accounts.passwd, apart
 * from the service accounts, so the broker's `passwd` can be rebuilt from both on every `up`
 * without losing them. docs/device-security.md covers a real fleet.
 */

export interface MosquittoAccountFiles {
  /** What the broker reads: service accounts + meter accounts. */
  readonly passwd: string;
  /** Bridge and fleet accounts, rewritten on every start from MF_MQTT_*. */
  readonly serviceAccounts: string;
  /** Every provisioned meter; only provisioning adds to it. */
  readonly meterAccounts: string;
}

export function mosquittoAccountFiles(stackDir: string): MosquittoAccountFiles {
  const dir = serverFiles(stackDir, 'mosquitto').dir;
  return {
    passwd: path.join(dir, 'passwd'),
    serviceAccounts: path.join(dir, 'service-accounts.passwd'),
    meterAccounts: path.join(dir, 'meter-accounts.passwd'),
  };
}

/** The MQTT password of a meter: the same derivation the platform uses everywhere. */
export function meterMqttPassword(masterKey: string, meterId: string): string {
  return deriveMeterSecret(masterKey, meterId, 'mqtt-password');
}

/**
 * Ids as load-tests/simulator/fleet-simulator.ts names its meters (`sim-w-0001`, `sim-e-0002`,
 * …; mixed alternates water and electricity), so a simulated fleet can be provisioned by
 * prefix and count.
 */
export function simulatedFleetIds(prefix: string, count: number, profile: 'mixed' | 'water' | 'electricity' = 'mixed'): string[] {
  return Array.from({ length: count }, (_, i) => {
    const water = profile === 'water' || (profile === 'mixed' && i % 2 === 0);
    return `${prefix}-${water ? 'w' : 'e'}-${String(i + 1).padStart(4, '0')}`;
  });
}

/** The demo's fleet (`npm run simulate` defaults: 20 meters, prefix sim), provisioned by every `up`. */
export const defaultSimulatedFleet: readonly string[] = simulatedFleetIds('sim', 20);

/**
 * Valid meter ids (core/contracts) that can also be MQTT usernames: no ":" (the password
 * file's separator) and not a service account's name. Duplicates are dropped.
 */
export function checkMeterIds(ids: readonly string[], o: StackOptions): string[] {
  const reserved = new Set([o.mqtt.username, o.mqtt.fleetUsername]);
  const bad: string[] = [];
  for (const id of ids) {
    if (id.length === 0 || id.length > maxIdLength || !idPattern.test(id)) bad.push(`"${id}" (not a meter id: 1-${maxIdLength} characters of [A-Za-z0-9._:-])`);
    else if (id.includes(':')) bad.push(`"${id}" (":" cannot appear in an MQTT username of a Mosquitto password file)`);
    else if (reserved.has(id)) bad.push(`"${id}" (a service account has that name)`);
  }
  if (bad.length > 0) {
    const shown = bad.slice(0, 5).join(', ') + (bad.length > 5 ? `, and ${bad.length - 5} more` : '');
    throw new StackError('STACK_METER_ID_INVALID', `Cannot provision ${bad.length} meter id(s): ${shown}. Nothing was provisioned.`);
  }
  return [...new Set(ids)];
}

/** Hashes the bridge and fleet accounts (from MF_MQTT_*) into service-accounts.passwd. */
export async function writeServiceAccounts(o: StackOptions, mosquittoPasswd: string): Promise<void> {
  const files = mosquittoAccountFiles(o.stackDir);
  const accounts: Account[] = [
    { username: o.mqtt.username, password: o.mqtt.password },
    { username: o.mqtt.fleetUsername, password: o.mqtt.fleetPassword },
  ];
  const hashed = await hashPasswords(mosquittoPasswd, path.dirname(files.passwd), accounts);
  writeFileAtomically(files.serviceAccounts, renderPasswordFile(hashed));
}

/**
 * Adds (or re-keys) meters in meter-accounts.passwd; unlocked, so `up` can call it while it
 * holds the stack lock. Resolves with the number of meter accounts in the file.
 */
export async function writeMeterAccounts(o: StackOptions, meterIds: readonly string[], masterKey: string, mosquittoPasswd: string): Promise<number> {
  const files = mosquittoAccountFiles(o.stackDir);
  const ids = checkMeterIds(meterIds, o);
  const accounts = ids.map((id) => ({ username: id, password: meterMqttPassword(masterKey, id) }));
  const hashed = await hashPasswords(mosquittoPasswd, path.dirname(files.passwd), accounts);
  const existing = existsSync(files.meterAccounts) ? parsePasswordFile(readFileSync(files.meterAccounts, 'utf8')) : new Map<string, string>();
  const merged = mergePasswordEntries(existing, hashed);
  writeFileAtomically(files.meterAccounts, renderPasswordFile(merged));
  return merged.size;
}

/** Rebuilds the broker's `passwd` from the service and meter files. */
export function writeBrokerPasswordFile(o: StackOptions): void {
  const files = mosquittoAccountFiles(o.stackDir);
  const read = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8') : '');
  writeFileAtomically(files.passwd, assemblePasswordFile(read(files.serviceAccounts), read(files.meterAccounts)));
}

export interface ProvisionResult {
  /** Meters hashed by this call (new or re-keyed). */
  readonly provisioned: number;
  /** Meter accounts in meter-accounts.passwd afterwards. */
  readonly total: number;
  /** Whether a running broker reloaded them (otherwise the next `up` loads them). */
  readonly reloaded: boolean;
  readonly file: string;
}

/**
 * Gives each meter an MQTT account (username = meter id, password = deriveMeterSecret(masterKey,
 * id, 'mqtt-password')). Idempotent: provisioning a meter again re-derives its password. When
 * the stack's Mosquitto runs it is told to reload (SIGHUP re-reads the password and ACL files;
 * clients whose accounts remain stay connected), and this resolves only once it accepts the last meter's login.
 */
export async function provisionMeterAccounts(o: StackOptions, meterIds: readonly string[], masterKey: string, opts: { log?: (line: string) => void } = {}): Promise<ProvisionResult> {
  const log = opts.log ?? (() => undefined);
  const ids = checkMeterIds(meterIds, o);
  const files = mosquittoAccountFiles(o.stackDir);
  if (ids.length === 0) return { provisioned: 0, total: 0, reloaded: false, file: files.meterAccounts };
  const mosquittoPasswd = findProgram('mosquitto_passwd');
  if (!mosquittoPasswd) throw new StackError('STACK_REQUIREMENT_MISSING', 'mosquitto_passwd is not installed.\nInstall with: apt-get install -y mosquitto');

  mkdirSync(path.dirname(files.passwd), { recursive: true });
  // The lock keeps a concurrent `up` (which rebuilds passwd) or provisioning from interleaving.
  return withStackLock(o.stackDir, log, async () => {
    try {
      if (!existsSync(files.serviceAccounts)) await writeServiceAccounts(o, mosquittoPasswd);
      const total = await writeMeterAccounts(o, ids, masterKey, mosquittoPasswd);
      writeBrokerPasswordFile(o);
      const last = ids[ids.length - 1]!;
      const reloaded = await reloadBroker(o, { username: last, password: meterMqttPassword(masterKey, last) }, true);
      return { provisioned: ids.length, total, reloaded, file: files.meterAccounts };
    } catch (error) {
      if (error instanceof StackError) throw error;
      throw new StackError('STACK_PROVISION_FAILED', `Could not provision meter accounts: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  });
}

export interface RevokeResult {
  /** Of the ids given, how many had an account. */
  readonly revoked: number;
  readonly total: number;
  readonly reloaded: boolean;
}

/**
 * Removes meters' accounts (a decommissioned or stolen meter) and reloads a running broker;
 * resolves once it refuses the last one. On reload Mosquitto 2.0 also closes open
 * connections of accounts that no longer exist (the integration test checks this).
 */
export async function revokeMeterAccounts(o: StackOptions, meterIds: readonly string[], masterKey: string, opts: { log?: (line: string) => void } = {}): Promise<RevokeResult> {
  const ids = [...new Set(meterIds)];
  const files = mosquittoAccountFiles(o.stackDir);
  if (ids.length === 0 || !existsSync(files.meterAccounts)) return { revoked: 0, total: 0, reloaded: false };
  return withStackLock(o.stackDir, opts.log ?? (() => undefined), async () => {
    const entries = parsePasswordFile(readFileSync(files.meterAccounts, 'utf8'));
    const revoked = ids.filter((id) => entries.delete(id));
    const last = revoked[revoked.length - 1];
    if (last === undefined) return { revoked: 0, total: entries.size, reloaded: false }; // nothing changed
    writeFileAtomically(files.meterAccounts, renderPasswordFile(entries));
    writeBrokerPasswordFile(o);
    const reloaded = await reloadBroker(o, { username: last, password: meterMqttPassword(masterKey, last) }, false);
    return { revoked: revoked.length, total: entries.size, reloaded };
  });
}

const RELOAD_TIMEOUT_MS = 10_000;

/**
 * SIGHUPs the stack's Mosquitto if it runs (found by pid file and command line, as stack.ts
 * does), then waits until it accepts (or refuses) `check`'s login. False when no broker of
 * this stack runs.
 */
async function reloadBroker(o: StackOptions, check: Account, accept: boolean): Promise<boolean> {
  const files = serverFiles(o.stackDir, 'mosquitto');
  const pid = readPid(files.pidFile);
  if (pid === undefined || !isOurProcess(pid, path.join(files.dir, 'mosquitto.conf'))) return false;
  process.kill(pid, 'SIGHUP');
  const deadline = Date.now() + RELOAD_TIMEOUT_MS;
  let last = accept ? 'refused' : 'accepted';
  while (Date.now() < deadline) {
    // Reload happens on the broker's next loop iteration: normally within milliseconds.
    const accepted = await tryConnect(mqttUrl(o), check).catch((error: unknown) => {
      last = error instanceof Error ? error.message : String(error);
      return undefined;
    });
    if (accepted === accept) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new StackError(
    'STACK_PROVISION_FAILED',
    `Mosquitto (pid ${pid}) still ${accept ? 'refuses' : 'accepts'} "${check.username}" ${RELOAD_TIMEOUT_MS / 1000} s after SIGHUP (last: ${last}); see \`npm run stack -- logs mosquitto\`.`,
  );
}
