// Lint with the module boundaries of ARCHITECTURE.md ("Module boundaries") enforced by Nx tags.
import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

const layers = {
  'type:app': ['type:feature', 'type:data-access', 'type:domain', 'type:chain', 'type:util', 'type:verifier'],
  // Only these may import libs/keys (tag type:keys): withdrawal-signer, custody, cli, bench.
  // The embedded default (apps/custody) runs the local stand-ins (kms-local, bcoin regtest, anvil) at run time.
  'type:signer-app': [
    'type:feature',
    'type:data-access',
    'type:domain',
    'type:chain',
    'type:util',
    'type:keys',
    'type:local-services',
    'type:verifier',
    // The CLI's `sr` signs requests with the SDK, as an integrator would.
    'type:client',
    // `strongroom recovery export` writes the recovery tool's own file format.
    'type:recovery',
  ],
  // Features may use the stand-alone proof verifier's encoding so prover and verifier share one format.
  'type:feature': ['type:feature', 'type:data-access', 'type:domain', 'type:chain', 'type:util', 'type:verifier'],
  'type:data-access': ['type:data-access', 'type:domain', 'type:util'],
  'type:domain': ['type:domain', 'type:util'],
  'type:chain': ['type:chain', 'type:domain', 'type:util'],
  'type:keys': ['type:domain', 'type:util', 'type:data-access'],
  'type:util': ['type:util', 'type:domain'],
  'type:testing': ['type:testing', 'type:util', 'type:domain', 'type:data-access', 'type:chain'],
  // Local stand-ins for AWS KMS and the chain nodes: dev, tests, the embedded default.
  'type:local-services': ['type:local-services', 'type:util', 'type:domain'],
  // The proof verifier must stand alone: users run it without trusting the rest of Strongroom.
  'type:verifier': [],
  // The client SDK (libs/client) is installed by exchange backends without the rest of Strongroom.
  'type:client': [],
  // The recovery tool (tools/recovery) moves coins without Strongroom's code or database.
  'type:recovery': [],
};
// What the specs of a stand-alone project may import: the client's check it against the server's own code.
const testsOf = {
  'type:verifier': [],
  'type:recovery': [],
  'type:client': [
    'type:feature',
    'type:data-access',
    'type:domain',
    'type:util',
    'type:testing',
    'type:local-services',
  ],
};
const scopes = {
  'scope:shared': ['scope:shared'],
  'scope:ledger': ['scope:shared', 'scope:ledger'],
  'scope:deposits': ['scope:shared', 'scope:ledger', 'scope:deposits'],
  'scope:withdrawals': ['scope:shared', 'scope:ledger', 'scope:deposits', 'scope:withdrawals'],
  'scope:compliance': ['scope:shared', 'scope:ledger', 'scope:deposits', 'scope:withdrawals', 'scope:compliance'],
  // Composition roots that span every context: the embedded custody app, the CLI and the benches.
  'scope:all': ['scope:shared', 'scope:ledger', 'scope:deposits', 'scope:withdrawals', 'scope:compliance', 'scope:all'],
};
const chains = [
  { sourceTag: 'chain:bitcoin', notDependOnLibsWithTags: ['chain:ethereum'] },
  { sourceTag: 'chain:ethereum', notDependOnLibsWithTags: ['chain:bitcoin'] },
];
const constraints = (extraForTests) => [
  ...Object.entries(layers).map(([sourceTag, allowed]) => ({
    sourceTag,
    onlyDependOnLibsWithTags: !extraForTests
      ? allowed
      : sourceTag in testsOf
        ? [...allowed, ...testsOf[sourceTag]]
        : [...allowed, 'type:testing', 'type:keys', 'type:local-services', 'type:client'],
  })),
  ...Object.entries(scopes).map(([sourceTag, onlyDependOnLibsWithTags]) => ({ sourceTag, onlyDependOnLibsWithTags })),
  ...chains,
];
const boundaries = (extraForTests) => [
  'error',
  { enforceBuildableLibDependency: false, allow: [], depConstraints: constraints(extraForTests) },
];

export default [
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'data/**',
      'tmp/**',
      'coverage/**',
      '**/*.js',
      '**/*.cjs',
      '**/*.mjs',
      '**/artifacts/**',
      '**/static/**',
    ],
  },
  ...nx.configs['flat/base'],
  ...nx.configs['flat/typescript'],
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': boundaries(false),
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'off',
      'no-console': 'off',
    },
  },
  {
    // Tests may use the harness (real PostgreSQL/PGlite, kms-local, regtest, anvil) and keys; so may
    // the fixtures they share, which live in testing/ folders, the local stand-ins themselves, and the
    // benches, which build scratch databases with the harness.
    files: [
      '**/*.spec.ts',
      '**/*.integration-spec.ts',
      'libs/testing/**/*.ts',
      'libs/local-services/**/*.ts',
      '**/src/testing/**/*.ts',
      'tools/bench/**/*.ts',
    ],
    rules: {
      '@nx/enforce-module-boundaries': boundaries(true),
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
];
