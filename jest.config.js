// Jest projects: `unit` (specs next to the code, no I/O), `integration` (test/integration/<concept>/: services
// in-process) and `e2e` (test/e2e: real service processes from dist/). Both of the latter use the real Redis,
// PostgreSQL, Kafka.
// Path aliases are derived from tsconfig.json so they are declared exactly once.
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const { compilerOptions } = JSON.parse(readFileSync(join(__dirname, 'tsconfig.json'), 'utf8'));
const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [
    `^${alias.replace('/*', '/(.*)')}$`,
    `<rootDir>/${target.replace('/*', '/$1')}`,
  ]),
);

const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  moduleFileExtensions: ['ts', 'js', 'json'],
  // Transpile only: `npm run build` is where types are checked.
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true }, diagnostics: false }] },
  moduleNameMapper,
};

module.exports = {
  testTimeout: 60_000,
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs,tools,loadtest}/**/*.spec.ts', '<rootDir>/test/static/**/*.spec.ts'],
    },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.int-spec.ts'],
      setupFiles: ['<rootDir>/test/support/quiet-logs.ts'],
    },
    {
      ...shared,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/e2e/**/*.e2e-spec.ts'],
      setupFiles: ['<rootDir>/test/support/quiet-logs.ts'],
    },
    // Only through `npm run test:faults`, which gives it infrastructure of its own to break.
    {
      ...shared,
      displayName: 'faults',
      testMatch: ['<rootDir>/test/faults/**/*.fault-spec.ts'],
      setupFiles: ['<rootDir>/test/support/quiet-logs.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/fault-timeout.ts'],
    },
    // Only through `npm run test:cluster` (INFRA_PROFILE=cluster: a Redis Cluster, three Kafka brokers).
    {
      ...shared,
      displayName: 'cluster',
      testMatch: ['<rootDir>/test/cluster/**/*.cluster-spec.ts'],
    },
    // Only through `npm run test:chaos`: its own infrastructure, reached through toxiproxy.
    {
      ...shared,
      displayName: 'chaos',
      testMatch: ['<rootDir>/test/chaos/**/*.chaos-spec.ts'],
      setupFiles: ['<rootDir>/test/support/quiet-logs.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/support/fault-timeout.ts'],
    },
  ],
};
