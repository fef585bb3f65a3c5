import { provisionMeterAccounts, revokeMeterAccounts } from '../../deploy/stack/meter-accounts';
import { loadStackOptions } from '../../deploy/stack/stack-options';
import { MeterflowError } from '../../core/errors';
import type { LoadSettings } from './load-settings';

/**
 * setup() of an ingest test with MF_LOAD_AUTH=meter and MF_LOAD_PROVISION=true: gives every
 * meter of the run an account in the local stack (MF_STACK_DIR) with the stack's own tooling
 * (deploy/stack/meter-accounts.ts: mosquitto_passwd hashes them, SIGHUP reloads the broker, and
 * this resolves once the broker accepts the last one). Cost measured on the 2-core machine:
 * hashing 1,000 accounts takes ~0.1 s, so even 10,000 are a second or two; the file grows by
 * one line per meter, which is why teardown revokes them again (revokeRunAccounts).
 * Against any other deployment set MF_LOAD_PROVISION=false and give the accounts with
 * MF_LOAD_AUTH=file (or use the fleet account).
 */
export async function provisionRunAccounts(settings: LoadSettings, env: Record<string, string | undefined>, meterIds: readonly string[], log: (line: string) => void): Promise<boolean> {
  if (settings.auth.mode !== 'meter' || !settings.auth.provision || meterIds.length === 0) return false;
  const stack = loadStackOptions({ ...process.env, ...env });
  const began = Date.now();
  log(`provisioning ${meterIds.length} meter accounts in the local stack at ${stack.stackDir} (deploy/stack/meter-accounts.ts)`);
  const result = await provisionMeterAccounts(stack, meterIds, settings.auth.masterKey, { log });
  if (!result.reloaded) {
    // Accounts written, but no broker of this stack dir runs to load them: every login would fail.
    await revokeMeterAccounts(stack, meterIds, settings.auth.masterKey).catch(() => undefined);
    throw new MeterflowError(
      'CONFIG_INVALID',
      `MF_LOAD_AUTH=meter: no Mosquitto of the stack at MF_STACK_DIR=${stack.stackDir} runs to load the run's accounts. Point MF_STACK_DIR at the running stack, or use MF_LOAD_PROVISION=false with accounts that exist, MF_LOAD_AUTH=file, or MF_LOAD_AUTH=fleet`,
    );
  }
  log(`provisioned ${result.provisioned} meter accounts in ${((Date.now() - began) / 1000).toFixed(1)} s (broker reloaded)`);
  return true;
}

/** teardown(): removes the run's accounts again (best effort). */
export async function revokeRunAccounts(settings: LoadSettings, env: Record<string, string | undefined>, meterIds: readonly string[], log: (line: string) => void): Promise<void> {
  try {
    const result = await revokeMeterAccounts(loadStackOptions({ ...process.env, ...env }), meterIds, settings.auth.masterKey);
    log(`revoked ${result.revoked} meter accounts of the run`);
  } catch (error) {
    log(`could not revoke the run's meter accounts: ${(error as Error).message}`);
  }
}
