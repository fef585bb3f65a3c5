import { checkMeterIds, defaultSimulatedFleet, meterMqttPassword, simulatedFleetIds } from '../../../../deploy/stack/meter-accounts';
import { isStackError } from '../../../../deploy/stack/stack-error';
import { loadStackOptions } from '../../../../deploy/stack/stack-options';
import { deriveMeterSecret } from '../../../../core/security/meter-secrets';

const options = loadStackOptions({});

function refusal(ids: string[]): string {
  try {
    checkMeterIds(ids, options);
  } catch (error) {
    expect(isStackError(error, 'STACK_METER_ID_INVALID')).toBe(true);
    return (error as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(ids)}`);
}

describe('meter accounts', () => {
  it('use the mqtt-password derivation of the master key', () => {
    expect(meterMqttPassword('k', 'm-1')).toBe(deriveMeterSecret('k', 'm-1', 'mqtt-password'));
    expect(meterMqttPassword('k', 'm-1')).not.toBe(deriveMeterSecret('k', 'm-1', 'command-signing'));
    expect(meterMqttPassword('k', 'm-1')).not.toBe(meterMqttPassword('other', 'm-1'));
  });

  it('name simulated fleets the way the simulator does', () => {
    expect(simulatedFleetIds('sim', 3)).toEqual(['sim-w-0001', 'sim-e-0002', 'sim-w-0003']);
    expect(simulatedFleetIds('x', 2, 'electricity')).toEqual(['x-e-0001', 'x-e-0002']);
    expect(defaultSimulatedFleet).toHaveLength(20);
    expect(defaultSimulatedFleet[19]).toBe('sim-e-0020');
  });

  it('accept meter ids and drop duplicates', () => {
    expect(checkMeterIds(['a-1', 'b.2', 'a-1', 'C_3'], options)).toEqual(['a-1', 'b.2', 'C_3']);
  });

  it('refuse ids that cannot be MQTT usernames, naming each, and provision none of them', () => {
    expect(refusal(['ok-1', 'has:colon'])).toMatch(/^Cannot provision 1 meter id\(s\): "has:colon" \(":" cannot appear/);
    expect(refusal(['meters/+'])).toContain('"meters/+" (not a meter id');
    expect(refusal([''])).toContain('"" (not a meter id');
    expect(refusal(['x'.repeat(65)])).toContain('not a meter id');
    expect(refusal([options.mqtt.username, options.mqtt.fleetUsername])).toContain(`"${options.mqtt.username}" (a service account has that name), "${options.mqtt.fleetUsername}"`);
    expect(refusal(Array.from({ length: 7 }, (_, i) => `bad:${i}`))).toMatch(/, and 2 more\. Nothing was provisioned\.$/);
  });
});
