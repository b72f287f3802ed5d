import { randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { AuditLog } from '@strongroom/audit';
import type { Database, Tx } from '@strongroom/persistence';
import { APP_NAME, InjectDatabase } from '@strongroom/shared-http';
import { DomainError, domainError, isDomainError, type ErrorEntry } from '@strongroom/shared-types';
import { findApiKey } from '../api-keys';
import { AuthErrors } from '../auth.errors';
import type { Principal } from '../principal';
import { safeLabel } from '../text-rules';
import { authClientHandler, authKeyHandler } from './auth-change-handlers';
import type { ChangeHandler, ChangeRequestView } from './change-handler';
import {
  decideChange,
  listChanges,
  readChange,
  toJsonText,
  viewOf,
  type ChangeListQuery,
  type ChangeRow,
} from './change-store';

const KIND = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

/**
 * Maker–checker for what moves risk. One admin proposes (a pending change, audited); a second admin
 * — a different key AND a different owner, not revoked — approves, and the change's handler runs in
 * the same transaction as the status change and an audit record naming both. A change is executed
 * once: the row is locked and moved from pending conditionally, so a retried or concurrent approve
 * gets `change.not_pending`. Each API of a deployment executes only what it recorded
 * (`change.other_api`), because only that API has the handler and the context it needs.
 */
@Injectable()
export class DualControl {
  private readonly handlers = new Map<string, ChangeHandler<unknown>>();
  private readonly logger = new Logger('DualControl');
  private apiName: string | undefined;

  constructor(
    @InjectDatabase() private readonly db: Database,
    private readonly audit: AuditLog,
    private readonly moduleRef: ModuleRef,
  ) {
    // Keys and clients are the auth context's own changes, executable on every API.
    this.register(authKeyHandler(audit));
    this.register(authClientHandler(audit));
  }

  /** Which API this is (the app name given to PlatformModule.forApp). */
  get api(): string {
    if (this.apiName === undefined) {
      try {
        this.apiName = String(this.moduleRef.get(APP_NAME, { strict: false }));
      } catch {
        this.apiName = 'default';
      }
    }
    return this.apiName;
  }

  /** Call from your module's onModuleInit. Registering a kind twice is a programming error. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each handler has its own payload type
  register(handler: ChangeHandler<any>): void {
    if (!KIND.test(handler.kind)) throw new Error(`change kind ${handler.kind} must be dotted lower case`);
    if (this.handlers.has(handler.kind)) throw new Error(`change kind ${handler.kind} registered twice`);
    this.handlers.set(handler.kind, handler as ChangeHandler<unknown>);
  }

  kinds(): string[] {
    return [...this.handlers.keys()].sort();
  }

  /** What the registered handlers may refuse an approval with (for this API's document). */
  handlerErrors(): ErrorEntry[] {
    return [...this.handlers.values()].flatMap((h) => h.errors ?? []);
  }

  /** Records a pending change proposed by `maker` (the 202 body of a proposing route). Audited. */
  async propose(maker: Principal, kind: string, payload: unknown): Promise<ChangeRequestView> {
    const handler = this.handlers.get(kind);
    if (!handler)
      throw domainError(AuthErrors['change.unknown_kind'], `this API executes no change of kind ${kind}`, {
        kind,
        kinds: this.kinds(),
      });
    assertStorable(payload);
    handler.parse(payload);
    const id = `chg_${randomBytes(12).toString('hex')}`;
    return this.db.transaction(async (tx) => {
      const [row] = await tx.query<ChangeRow>(
        `INSERT INTO auth.change_requests (id, api, kind, payload, maker_key_id, maker_owner) VALUES ($1, $2, $3, $4::jsonb, $5, $6) RETURNING *`,
        [id, this.api, kind, toJsonText(payload), maker.keyId, maker.owner],
      );
      await this.audit.append(tx, {
        actor: { id: maker.keyId, role: maker.role },
        action: 'change.proposed',
        subject: { type: 'change_request', id },
        payload: {
          kind,
          api: this.api,
          maker: { keyId: maker.keyId, owner: maker.owner },
          payload: JSON.parse(toJsonText(payload)) as unknown,
        },
      });
      return viewOf(row);
    });
  }

  async get(id: string): Promise<ChangeRequestView> {
    const row = await readChange(this.db, id);
    if (!row) throw domainError(AuthErrors['change.not_found'], 'no such change request', { changeId: id });
    return viewOf(row);
  }

  list(q: ChangeListQuery = {}): Promise<ChangeRequestView[]> {
    return listChanges(this.db, q);
  }

  /**
   * A second admin approves: the handler runs in this transaction. A handler's DomainError (the
   * change no longer applies) records the change as `failed` with the code, then is thrown.
   */
  async approve(id: string, checker: Principal): Promise<ChangeRequestView> {
    try {
      return await this.db.transaction((tx) => this.execute(tx, id, checker));
    } catch (err) {
      if (!(err instanceof HandlerRefused)) throw err;
      await this.db.transaction(async (tx) => {
        const reason = `${err.refusal.code}: ${err.refusal.detail}`;
        const row = await decideChange(tx, id, {
          status: 'failed',
          checker,
          result: { code: err.refusal.code, detail: err.refusal.detail },
          reason,
        });
        if (row) await this.audit.append(tx, decisionEntry(row, checker, 'change.failed'));
      });
      throw err.refusal;
    }
  }

  /** Refuses a pending change (any admin, the maker included, who withdraws it). Audited. */
  async reject(id: string, checker: Principal, reason: string): Promise<ChangeRequestView> {
    const why = safeLabel(reason, AuthErrors['change.invalid_reason'], 'a rejection reason', 1000);
    return this.db.transaction(async (tx) => {
      const row = await this.pending(tx, id);
      const decided = await decideChange(tx, row.id, { status: 'rejected', checker, reason: why });
      if (!decided) throw notPending(row);
      await this.audit.append(tx, decisionEntry(decided, checker, 'change.rejected'));
      return viewOf(decided);
    });
  }

  private async execute(tx: Tx, id: string, checker: Principal): Promise<ChangeRequestView> {
    const row = await this.pending(tx, id);
    const handler = this.handlers.get(row.kind);
    if (row.api !== this.api || !handler) {
      throw domainError(AuthErrors['change.other_api'], `this change is executed by the ${row.api} API`, {
        changeId: id,
        api: row.api,
      });
    }
    if (checker.keyId === row.maker_key_id || checker.owner === row.maker_owner) {
      throw domainError(
        AuthErrors['change.same_person'],
        'a change needs a second admin: a different key with a different owner than the maker',
        {
          changeId: id,
          owner: row.maker_owner,
        },
      );
    }
    const [makerKey, checkerKey] = [await findApiKey(tx, row.maker_key_id), await findApiKey(tx, checker.keyId)];
    // The guard checked the checker at the door; a revocation since (or of the maker) still stops it.
    if (!checkerKey || checkerKey.revoked || checkerKey.owner !== checker.owner)
      throw domainError(AuthErrors['auth.revoked'], 'this API key has been revoked');
    if (checkerKey.role !== 'admin')
      throw domainError(AuthErrors['auth.forbidden_role'], 'only an admin approves a change', {
        role: checkerKey.role,
        allowed: ['admin'],
      });
    if (!makerKey || makerKey.revoked)
      throw domainError(AuthErrors['change.maker_revoked'], "the maker's key has been revoked since; propose again", {
        changeId: id,
      });
    const maker: Principal = {
      keyId: makerKey.keyId,
      name: makerKey.name,
      role: makerKey.role,
      owner: makerKey.owner,
      clients: makerKey.clients,
    };
    let result: unknown;
    try {
      const payload = handler.parse(row.payload);
      result = await handler.execute(tx, payload, { changeId: id, maker, checker });
    } catch (err) {
      if (isDomainError(err) && err.status < 500) throw new HandlerRefused(err);
      throw err;
    }
    const stored = handler.redact ? handler.redact(result) : result;
    const decided = await decideChange(tx, id, { status: 'executed', checker, result: stored ?? null });
    if (!decided) throw notPending(row);
    await this.audit.append(tx, decisionEntry(decided, checker, 'change.executed'));
    this.logger.log(`change ${id} (${row.kind}) executed: maker ${row.maker_owner}, checker ${checker.owner}`);
    return viewOf(decided, result);
  }

  private async pending(tx: Tx, id: string): Promise<ChangeRow> {
    const row = await readChange(tx, id, true);
    if (!row) throw domainError(AuthErrors['change.not_found'], 'no such change request', { changeId: id });
    if (row.status !== 'pending') throw notPending(row);
    return row;
  }
}

class HandlerRefused extends Error {
  constructor(readonly refusal: DomainError) {
    super(refusal.message);
  }
}

const notPending = (row: ChangeRow) =>
  domainError(AuthErrors['change.not_pending'], `this change is already ${row.status}`, {
    changeId: row.id,
    status: row.status,
  });

function decisionEntry(row: ChangeRow, checker: Principal, action: string) {
  return {
    actor: { id: checker.keyId, role: checker.role },
    action,
    subject: { type: 'change_request', id: row.id },
    payload: {
      kind: row.kind,
      api: row.api,
      maker: { keyId: row.maker_key_id, owner: row.maker_owner },
      checker: { keyId: checker.keyId, owner: checker.owner },
      reason: row.reason,
    },
  };
}

/** PostgreSQL's jsonb refuses NUL and lone surrogates: a 400 here, never a 500 there. */
function assertStorable(v: unknown, depth = 0): void {
  if (depth > 32) throw domainError(AuthErrors['change.invalid_payload'], 'the change payload is nested too deeply');
  if (typeof v === 'string') {
    if (v.includes('\u0000') || /\p{Cs}/u.test(v))
      throw domainError(
        AuthErrors['change.invalid_payload'],
        'the change payload contains NUL or a lone UTF-16 surrogate',
      );
  } else if (Array.isArray(v)) {
    for (const x of v) assertStorable(x, depth + 1);
  } else if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      assertStorable(k, depth + 1);
      assertStorable(x, depth + 1);
    }
  }
}
