import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { Client } from 'pg';
import type { Database } from '@strongroom/persistence';
import { InjectDatabase } from '@strongroom/shared-http';
import { invalidateKeyCache } from './key-cache';

export const KEY_CHANGE_CHANNEL = 'strongroom_auth_keys';
const RECONNECT_MS = 1_000;

/**
 * On PostgreSQL, one dedicated connection LISTENs on `strongroom_auth_keys`, which a trigger on
 * `auth.api_keys` notifies at the commit of every change (AuthKeyNotify1795350000000). Each
 * notification drops this process's key snapshot, so a revocation made by another replica or the
 * CLI takes effect here as soon as it is delivered. `live` is true only while the connection is
 * up and listening: a cache is trusted only then (a notification sent while nobody listened is
 * lost), and every (re)connect drops the snapshot, since changes may have been missed.
 */
@Injectable()
export class KeyChangeListener implements OnModuleDestroy {
  private client: Client | undefined;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;
  private started = false;
  live = false;
  private readonly logger = new Logger('KeyChangeListener');

  constructor(@InjectDatabase() private readonly db: Database) {}

  /** Starts listening (idempotent); false when there is nothing to listen to (PGlite, no URL). */
  start(): boolean {
    if (this.started) return true;
    const url = this.url();
    if (!url) return false;
    this.started = true;
    void this.connect(url);
    return true;
  }

  /** Resolves once listening (or after `timeoutMs`): for tests and start-up ordering. */
  async ready(timeoutMs = 5_000): Promise<boolean> {
    if (!this.started) return false;
    const until = Date.now() + timeoutMs;
    while (!this.live && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    return this.live;
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    this.live = false;
    clearTimeout(this.retry);
    await this.client?.end().catch(() => undefined);
  }

  private url(): string | undefined {
    if (this.db.backend !== 'postgres') return undefined;
    return (this.db.dataSource.options as { url?: string }).url;
  }

  private async connect(url: string): Promise<void> {
    const client = new Client({ connectionString: url, application_name: 'strongroom-key-listener' });
    this.client = client;
    client.on('notification', () => invalidateKeyCache());
    client.on('error', (err) => this.lost(url, client, err));
    client.on('end', () => this.lost(url, client));
    try {
      await client.connect();
      await client.query(`LISTEN ${KEY_CHANGE_CHANNEL}`);
      if (this.client !== client || this.closed) return;
      invalidateKeyCache();
      this.live = true;
    } catch (err) {
      this.lost(url, client, err);
    }
  }

  private lost(url: string, client: Client, err?: unknown): void {
    if (this.client !== client) return;
    this.live = false;
    this.client = undefined;
    invalidateKeyCache();
    client.end().catch(() => undefined);
    if (this.closed) return;
    this.logger.warn(`key change listener lost (${err ? String(err) : 'ended'}); reading keys per request until back`);
    this.retry = setTimeout(() => void this.connect(url), RECONNECT_MS);
    this.retry.unref();
  }
}
