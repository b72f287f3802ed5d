import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Controller, Get, Module } from '@nestjs/common';
import { Command } from 'commander';
import {
  authContext,
  AuthModule,
  CurrentPrincipal,
  listApiKeys,
  Roles,
  signedFetch,
  type Principal,
} from '@strongroom/api-auth';
import { AuditLog } from '@strongroom/audit';
import { openDatabase, type Database } from '@strongroom/persistence';
import { DatabaseModule, PlatformModule, startHttpApp } from '@strongroom/shared-http';
import { openTestDatabase, testBackends, type TestDatabase } from '@strongroom/testing';
import { register } from './admin.command';

@Controller('v1/whoami')
class WhoAmIController {
  @Roles('approver')
  @Get()
  whoami(@CurrentPrincipal() p: Principal): Principal {
    return p;
  }
}

@Module({ controllers: [WhoAmIController] })
class CliTestModule {}

/** Runs `strongroom <args>` in process with the given environment; returns what it printed. */
async function cli(env: Record<string, string | undefined>, ...args: string[]): Promise<string> {
  const saved = { DATABASE_URL: process.env.DATABASE_URL, STRONGROOM_DATA_DIR: process.env.STRONGROOM_DATA_DIR };
  const lines: string[] = [];
  const log = jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void lines.push(a.join(' ')));
  Object.assign(process.env, env);
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
  try {
    const program = new Command('strongroom').exitOverride().configureOutput({ writeErr: () => undefined });
    register(program);
    await program.parseAsync(['node', 'strongroom', ...args]);
    return lines.join('\n');
  } finally {
    log.mockRestore();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

for (const backend of testBackends()) {
  describe(`strongroom admin [${backend}]`, () => {
    let env: Record<string, string | undefined>;
    let dir: string | undefined;
    let pg: TestDatabase | undefined;
    const open = (): Promise<Database> =>
      pg ? Promise.resolve(pg.db) : openDatabase({ dataDir: dir, contexts: [authContext] });

    beforeAll(async () => {
      if (backend === 'postgres') {
        pg = await openTestDatabase('postgres', { contexts: [] });
        env = { DATABASE_URL: pg.url };
      } else {
        dir = mkdtempSync(path.join(tmpdir(), 'strongroom-cli-'));
        env = { DATABASE_URL: undefined, STRONGROOM_DATA_DIR: dir };
      }
    });
    afterAll(async () => {
      await pg?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it('creates a key (migrating a fresh database) that then authenticates; on PostgreSQL, revoking it takes effect at once', async () => {
      const out = JSON.parse(
        await cli(
          env,
          'admin',
          'create-key',
          '--role',
          'admin',
          '--name',
          'first operator',
          '--owner',
          'ops lead',
          '--json',
        ),
      ) as {
        keyId: string;
        secret: string;
        role: string;
      };
      expect(out.role).toBe('admin');
      expect(out.keyId).toMatch(/^srk_/);
      expect(out.secret).toMatch(/^srs_/);
      expect(await cli(env, 'admin', 'list-keys')).toMatch(
        new RegExp(`^${out.keyId}\\tadmin\\tactive\\tops lead\\tall\\tfirst operator$`, 'm'),
      );

      const db = await open();
      const { app, url } = await startHttpApp(
        {
          module: CliTestModule,
          imports: [PlatformModule.forApp('cli-test'), DatabaseModule.forInstance(db), AuthModule.forRoot()],
        },
        { name: 'cli-test', title: 't', description: 't', port: 0 },
      );
      try {
        const res = await signedFetch(url, out, 'GET', '/v1/whoami');
        expect(res.status).toBe(200);
        expect(await res.json()).toEqual({
          keyId: out.keyId,
          name: 'first operator',
          role: 'admin',
          owner: 'ops lead',
          clients: 'all',
        });
        if (pg) {
          // PostgreSQL serves the CLI and the app at once; PGlite's data dir has one owner.
          expect(await cli(env, 'admin', 'revoke-key', out.keyId)).toBe(`revoked ${out.keyId}`);
          const refused = await signedFetch(url, out, 'GET', '/v1/whoami');
          expect(((await refused.json()) as { code: string }).code).toBe('auth.revoked');
        }
        expect((await listApiKeys(db)).map((k) => k.keyId)).toContain(out.keyId);
      } finally {
        await app.close();
        if (!pg) await db.close();
      }
    });

    it('refuses an unknown role, a missing owner, and a backend key without clients or for an unknown client', async () => {
      await expect(
        cli(env, 'admin', 'create-key', '--role', 'root', '--name', 'x', '--owner', 'o'),
      ).rejects.toMatchObject({
        code: 'commander.invalidArgument',
      });
      await expect(cli(env, 'admin', 'create-key', '--role', 'auditor', '--name', 'x')).rejects.toMatchObject({
        code: 'commander.missingMandatoryOptionValue',
      });
      await expect(
        cli(env, 'admin', 'create-key', '--role', 'backend', '--name', 'x', '--owner', 'o'),
      ).rejects.toMatchObject({ code: 'auth.invalid_clients' });
      await expect(
        cli(env, 'admin', 'create-key', '--role', 'backend', '--name', 'x', '--owner', 'o', '--clients', 'nosuch'),
      ).rejects.toMatchObject({
        code: 'client.not_found',
      });
      await expect(
        cli(env, 'admin', 'create-key', '--role', 'auditor', '--name', '\u001b[2Jx', '--owner', 'o'),
      ).rejects.toMatchObject({ code: 'auth.invalid_name' });
    });

    it('registers clients, mints a backend key scoped to one, re-scopes a key, all audited as the operator', async () => {
      expect(
        await cli(env, 'admin', 'create-client', '--id', 'acme', '--name', 'Acme', '--custody', 'segregated'),
      ).toBe('client acme (segregated, active)');
      expect(
        await cli(env, 'admin', 'create-client', '--id', 'globex', '--name', 'Globex', '--custody', 'pooled'),
      ).toBe('client globex (pooled, active)');
      expect(await cli(env, 'admin', 'list-clients')).toBe(
        'acme\tsegregated\tactive\tAcme\nglobex\tpooled\tactive\tGlobex',
      );
      const made = JSON.parse(
        await cli(
          env,
          'admin',
          'create-key',
          '--role',
          'backend',
          '--name',
          'acme api',
          '--owner',
          'acme ops',
          '--clients',
          'acme',
          '--json',
        ),
      ) as {
        keyId: string;
        clients: string[];
      };
      expect(made.clients).toEqual(['acme']);
      expect(await cli(env, 'admin', 'scope-key', made.keyId, '--clients', 'acme,globex')).toBe(
        `${made.keyId} clients: acme,globex`,
      );
      await expect(cli(env, 'admin', 'scope-key', made.keyId, '--clients', 'all')).rejects.toMatchObject({
        code: 'auth.invalid_clients',
      });
      expect(await cli(env, 'admin', 'list-keys')).toMatch(
        new RegExp(`^${made.keyId}\\tbackend\\tactive\\tacme ops\\tacme,globex\\tacme api$`, 'm'),
      );
      const db = await open();
      try {
        await new AuditLog(db).flush();
        const entries = await new AuditLog(db).list({ subjectType: 'api_key', subjectId: made.keyId });
        expect(entries.map((e) => [e.action, e.actor.role])).toEqual([
          ['auth.key_created', 'operator'],
          ['auth.key_scoped', 'operator'],
        ]);
        expect(JSON.stringify(entries)).not.toContain('srs_');
      } finally {
        if (!pg) await db.close();
      }
    });
  });
}
