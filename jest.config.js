// One Jest run over the whole workspace. Unit specs (`*.spec.ts`) need no network;
// integration specs (`*.integration-spec.ts`) start real parts through libs/testing.
const { readFileSync } = require('node:fs');
const path = require('node:path');

const swcrc = JSON.parse(readFileSync(path.join(__dirname, '.swcrc'), 'utf8'));
const { compilerOptions } = JSON.parse(readFileSync(path.join(__dirname, 'tsconfig.base.json'), 'utf8'));
const moduleNameMapper = Object.fromEntries(
  Object.entries(compilerOptions.paths).map(([alias, [target]]) => [
    `^${alias.replace('*', '(.*)')}$`,
    `<rootDir>/${target.replace('*', '$1')}`,
  ]),
);

const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { ...swcrc, swcrc: false, sourceMaps: 'inline' }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper,
  // Anchored at the root: CI clones into a temporary folder, and a bare '/tmp/' would ignore everything.
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/dist/', '<rootDir>/data/', '<rootDir>/tmp/'],
  setupFiles: ['<rootDir>/libs/testing/src/jest-setup.js'],
};

module.exports = {
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,tools}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs,tools}/**/*.integration-spec.ts'],
      slowTestThreshold: 30,
      // Every answer from a Strongroom API is checked against the OpenAPI document it serves.
      setupFilesAfterEnv: ['<rootDir>/libs/testing/src/contract/contract-check.setup.ts'],
    },
  ],
  testTimeout: 120000,
  // Two cores: one worker per core; integration specs mostly wait on nodes and databases.
  maxWorkers: 2,
};
