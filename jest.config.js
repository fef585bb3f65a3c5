// Two projects: `unit` needs no server; `integration` talks to the real local stack
// (Mosquitto, Kafka, QuestDB), which its global setup starts or reuses.
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }] };

/** @type {import('jest').Config} */
module.exports = {
  // Read from the root only (jest ignores it inside a project); unit tests finish far sooner.
  testTimeout: 180000,
  // A leaked handle must not turn CI into a 90-minute hang; locally jest still reports it
  // ("did not exit one second after the test run"), which is where it gets fixed.
  forceExit: process.env.CI === 'true',
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      globalSetup: '<rootDir>/test/integration/global-setup.ts',
      globalTeardown: '<rootDir>/test/integration/global-teardown.ts',
    },
  ],
};
