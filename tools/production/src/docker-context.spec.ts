import path from 'node:path';
import { dockerIgnore } from './docker-context';

describe('the build context (.dockerignore of this repository)', () => {
  const ignored = dockerIgnore(path.join(__dirname, '..', '..', '..', '.dockerignore'));

  it.each([
    '.git',
    '.git/HEAD',
    'node_modules/zod/index.js',
    'libs/testing/node_modules/x',
    'dist/apps/ledger/src/main.js',
    'data/kms/keys/k1',
    'apps/custody/data/x',
    '.env',
    'docker/.env.local',
    'server.key',
    'docker/secrets/first-admin.json',
    'npm-debug.log',
  ])('leaves out %s', (rel) => expect(ignored(rel)).toBe(true));

  it.each([
    'package.json',
    'package-lock.json',
    'tools/kms-local/src/main.ts',
    'libs/keys/src/kms-signer.ts',
    'apps/custody/prices.json',
    'docker/setup.sh',
    '.swcrc',
  ])('keeps %s', (rel) => expect(ignored(rel)).toBe(false));
});
