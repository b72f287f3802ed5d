import type { INestApplication } from '@nestjs/common';
import { Client } from 'pg';
import { openDatabase, type Database } from '@strongroom/persistence';
import { describeEachBackend } from '@strongroom/testing';
import { createApiKey, revokeApiKey } from './api-keys';
import { startAuthTestApp } from './auth-test-app';
import { createClient } from './clients/clients';
import { authContext } from './index';
import { KeyChangeListener } from './key-change-listener';
import type { ApiCredentials } from './signature';
import { signedFetch } from './signed-fetch';

const call = async (url: string, creds: ApiCredentials) => (await signedFetch(url, creds, 'GET', '/v1/things')).status;

/** Polls until `f` holds: a notification arrives asynchronously, within milliseconds. */
async function eventually(f: () => Promise<boolean>, timeoutMs = 10_000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (await f()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return false;
}

describeEachBackend(
  'API keys cached per process, dropped on every committed change',
  { contexts: [authContext] },
  (ctx) => {
    let app: INestApplication;
    let url: string;
    // Another process's connection (a second replica, or the CLI): changes made through it reach
    // the app only through the database, never through this process's own invalidation.
    let other: Database;
    let listener: KeyChangeListener;

    beforeAll(async () => {
      const { db, url: dbUrl } = ctx();
      await createClient(db, { id: 'acme', name: 'Acme', custody: 'pooled' });
      ({ app, url } = await startAuthTestApp(db));
      listener = app.get(KeyChangeListener);
      other = dbUrl ? await openDatabase({ databaseUrl: dbUrl, poolSize: 2 }) : db;
    });
    afterAll(async () => {
      await app?.close();
      if (other !== ctx().db) await other?.close();
    });

    it('listens on PostgreSQL only (PGlite is one process: its own invalidation covers every change)', async () => {
      expect(await listener.ready(10_000)).toBe(ctx().backend === 'postgres');
    });

    it('refuses a key revoked by another process, and accepts one it created, without a restart', async () => {
      const key = await createApiKey(other, { name: 'exchange', role: 'backend', clients: ['acme'] });
      expect(await eventually(async () => (await call(url, key)) === 200)).toBe(true);
      await call(url, key); // the snapshot now holds the key
      await revokeApiKey(other, key.keyId);
      expect(await eventually(async () => (await call(url, key)) === 401)).toBe(true);
    });

    it('drops the snapshot on a change made by plain SQL too (the trigger, not the code, notifies)', async () => {
      // PGlite: no other process can open the directory, and in-process changes go through api-keys.ts.
      if (ctx().backend !== 'postgres') return;
      const key = await createApiKey(other, { name: 'by-sql', role: 'backend', clients: ['acme'] });
      expect(await eventually(async () => (await call(url, key)) === 200)).toBe(true);
      await other.query('UPDATE auth.api_keys SET revoked_at = now() WHERE key_id = $1', [key.keyId]);
      expect(await eventually(async () => (await call(url, key)) === 401)).toBe(true);
    });

    it('reads keys per request while the listener is down, and listens again after reconnecting', async () => {
      if (ctx().backend !== 'postgres') return; // no listener connection to lose on PGlite
      const key = await createApiKey(other, { name: 'while-down', role: 'backend', clients: ['acme'] });
      expect(await eventually(async () => (await call(url, key)) === 200)).toBe(true);
      const admin = new Client({ connectionString: ctx().url });
      await admin.connect();
      try {
        await admin.query(
          "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'strongroom-key-listener' AND datname = current_database()",
        );
        expect(await eventually(async () => !listener.live)).toBe(true);
        // Without the listener nothing would tell the app: only per-request reads refuse this key at once.
        await admin.query('UPDATE auth.api_keys SET revoked_at = now() WHERE key_id = $1', [key.keyId]);
        if (!listener.live) expect(await call(url, key)).toBe(401);
      } finally {
        await admin.end();
      }
      expect(await listener.ready(10_000)).toBe(true);
    });
  },
);
