import { startStack } from '../../deploy/stack/stack';

/**
 * Starts (or reuses) the real local stack once for the whole integration run. What this run
 * started is remembered so the teardown can stop it in CI; a developer's running stack is left alone.
 */
export default async function globalSetup(): Promise<void> {
  const log = (line: string) => process.stderr.write(`[stack] ${line}\n`);
  const { endpoints, started } = await startStack({ log });
  process.env.MF_TEST_STACK_STARTED = started.join(',');
  process.env.MF_TEST_ENDPOINTS = JSON.stringify(endpoints);
}
