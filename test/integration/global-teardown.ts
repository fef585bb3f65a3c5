import { stopStack } from '../../deploy/stack/stack';

/** In CI, stop what the setup started; locally keep it running for the next run (MF_STACK_KEEP=0 to stop). */
export default async function globalTeardown(): Promise<void> {
  const startedHere = (process.env.MF_TEST_STACK_STARTED ?? '') !== '';
  const keep = process.env.MF_STACK_KEEP ?? (process.env.CI ? '0' : '1');
  if (startedHere && keep === '0') await stopStack({ log: (line) => process.stderr.write(`[stack] ${line}\n`) });
}
