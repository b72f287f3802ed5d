import type { Tx } from '@strongroom/persistence';
import type { ErrorEntry } from '@strongroom/shared-types';
import type { Principal } from '../principal';

/** What a change of one kind is and does; registered with `DualControl.register`. */
export interface ChangeHandler<P = unknown> {
  /** Dotted, e.g. 'ledger.correction', 'withdrawals.policy', 'auth.key', 'auth.client'. */
  kind: string;
  /** Validates the proposed payload; throws a 4xx DomainError. Runs at propose AND at approve. */
  parse(payload: unknown): P;
  /**
   * Applies the change in the approval's transaction (with the status change and the audit record).
   * The result is returned to the checker and stored in the change row (through `redact`).
   */
  execute(tx: Tx, payload: P, ctx: ChangeContext): Promise<unknown>;
  /** What of the result is stored and shown later (default: all of it). auth.key drops the secret. */
  redact?(result: unknown): unknown;
  /**
   * The catalogue entries `parse` and `execute` may refuse with: the approve route of the app
   * that registers the handler documents them (a refusal at approval is answered as it is).
   */
  errors?: readonly ErrorEntry[];
}

export interface ChangeContext {
  changeId: string;
  maker: Principal;
  checker: Principal;
}

export type ChangeStatus = 'pending' | 'executed' | 'rejected' | 'failed';

export interface ChangeRequestView {
  id: string;
  /** The API that recorded it, and the only one that may execute it. */
  api: string;
  kind: string;
  status: ChangeStatus;
  payload: unknown;
  maker: { keyId: string; owner: string };
  checker: { keyId: string; owner: string } | null;
  result: unknown;
  /** Why it was rejected, or the error code and detail when it failed. */
  reason: string | null;
  createdAt: string;
  decidedAt: string | null;
}
