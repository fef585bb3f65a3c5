import { createHmac } from 'node:crypto';

/** What a per-meter secret is for; each purpose gets an unrelated key. */
export type MeterSecretPurpose = 'mqtt-password' | 'command-signing';

/**
 * Derives a meter's secret from the deployment's master key (HMAC-SHA256 of purpose and
 * meter id), so the platform needs no per-meter key store and a leaked meter secret says
 * nothing about another meter's. Real fleets write the derived secret into the device at
 * provisioning (docs/device-security.md); rotating the master key re-keys every meter.
 */
export function deriveMeterSecret(masterKey: string, meterId: string, purpose: MeterSecretPurpose): string {
  return createHmac('sha256', masterKey).update(`${purpose}\u0000${meterId}`).digest('base64url');
}
