import { Inject, Injectable, Optional } from '@nestjs/common';
import { assertClientScope, inClientScope, requireActiveClient, type Principal } from '@strongroom/api-auth';
import type { Database } from '@strongroom/persistence';
import { AssetRegistry } from '@strongroom/shared-assets';
import { DATABASE } from '@strongroom/shared-http';
import { DomainError, domainError } from '@strongroom/shared-types';
import { LedgerService, defaultFlags } from '../ledger.service';
import type { Account, AccountFlags, AccountKind, OpenAccountInput, Transfer, TransferInput } from '../ledger.types';
import { TRANSFER_ID } from '../transfer-input';
import { LedgerErrors } from '../ledger.errors';

/** The assets the ledger API opens accounts in; `LedgerHttpModule.forRoot({ assets })`, else the defaults. */
export const LEDGER_ASSETS = Symbol('LEDGER_ASSETS');

/** What the edge decides on. None of it changes once an account exists, so it is cached. */
interface Facts {
  clientId: string;
  kind: AccountKind;
  debitsMustNotExceedCredits: boolean;
}

const at = (index: number | undefined) => (index === undefined ? {} : { index });

/**
 * The ledger API's authorisation (least privilege). Only chains create user money: over HTTP no
 * key opens a system account (custody, equity, incident, fee, in_flight) or moves value out of
 * one — those are written in process by the contexts that own them, and by approved corrections.
 * A key moves value only between user accounts of one client in its scope, and reads only its
 * clients' accounts and transfers; what it may not see answers exactly like what does not exist.
 */
@Injectable()
export class LedgerAccess {
  private readonly facts = new Map<string, Facts>();
  private readonly assets: AssetRegistry;

  constructor(
    private readonly ledger: LedgerService,
    @Inject(DATABASE) private readonly db: Database,
    @Optional() @Inject(LEDGER_ASSETS) assets: AssetRegistry | null = null,
  ) {
    this.assets = assets ?? new AssetRegistry();
  }

  /** Opens a user account of an active client in the key's scope, in an asset this deployment serves. */
  async openAccount(who: Principal, input: OpenAccountInput): Promise<Account> {
    if (input.kind !== 'user') {
      throw domainError(
        LedgerErrors['account.kind_forbidden'],
        'only user accounts are opened over the API; system accounts belong to the contexts that own them',
        { kind: input.kind },
      );
    }
    if (!sameFlags(input.flags, defaultFlags('user'))) {
      throw domainError(
        LedgerErrors['account.flags_forbidden'],
        'a user account opened over the API has the default flags (it can never go negative)',
      );
    }
    this.assets.get(input.asset);
    assertClientScope(who, input.clientId);
    return this.db.transaction(async (tx) => {
      await requireActiveClient(tx, input.clientId);
      return this.ledger.openAccount({ ...input, flags: undefined }, tx);
    });
  }

  /**
   * Refuses the whole request (nothing is written) unless every transfer is allowed: a plain or
   * pending transfer between two user accounts of one active client in scope, the debited one
   * unable to go negative; a post/void only of such a pending, stored before this request.
   */
  async checkTransfers(who: Principal, items: readonly TransferInput[], single = false): Promise<void> {
    const ids = items.flatMap((t) => [t.debitAccountId, t.creditAccountId]);
    const pendings = await this.pendingsOf(items);
    await this.load([...ids, ...[...pendings.values()].flatMap((p) => [p.debitAccountId, p.creditAccountId])]);
    const clients = new Set<string>();
    items.forEach((t, i) => {
      const index = single ? undefined : i;
      if (!isResolving(t)) {
        clients.add(
          this.pair(who, t.debitAccountId, t.creditAccountId, index, () =>
            domainError(LedgerErrors['account.not_found'], 'no such account', at(index)),
          ),
        );
        return;
      }
      const pendingId = t.pendingId;
      if (typeof pendingId !== 'string' || !TRANSFER_ID.test(pendingId)) return; // the ledger refuses it (pending.id_required / not_found)
      // Only a pending stored before this request: it cannot change any more, while an id that
      // is free now could be taken meanwhile by another context (a withdrawal hold, say).
      const stored = pendings.get(pendingId);
      const hidden = () =>
        domainError(LedgerErrors['pending.not_found'], `no pending transfer ${pendingId}`, at(index));
      if (!stored) throw hidden();
      clients.add(this.pair(who, stored.debitAccountId, stored.creditAccountId, index, hidden));
    });
    for (const c of clients) await requireActiveClient(this.db, c);
  }

  /** The account, if the key may read it; else 404 as if it did not exist. */
  async readableAccount(who: Principal, id: string): Promise<Account> {
    const a = await this.ledger.getAccount(id);
    if (!inClientScope(who, a.clientId))
      throw domainError(LedgerErrors['account.not_found'], `account ${id} not found`);
    return a;
  }

  /** The transfer, if either of its accounts is of a client in the key's scope; else 404 as if it did not exist. */
  async readableTransfer(who: Principal, id: string): Promise<Transfer> {
    const t = await this.ledger.getTransfer(id);
    if (who.clients === 'all') return t;
    await this.load([t.debitAccountId, t.creditAccountId]);
    const visible = [t.debitAccountId, t.creditAccountId].some((a) => {
      const f = this.facts.get(a);
      return f !== undefined && inClientScope(who, f.clientId);
    });
    if (!visible) throw domainError(LedgerErrors['transfer.not_found'], `transfer ${id} not found`);
    return t;
  }

  /** The client both accounts belong to, or the reason the pair is refused. */
  private pair(
    who: Principal,
    debitId: string,
    creditId: string,
    index: number | undefined,
    hidden: () => DomainError,
  ): string {
    const debit = this.facts.get(canon(debitId));
    const credit = this.facts.get(canon(creditId));
    // Another client's user account answers like a missing one. System accounts are no secret
    // (their ids appear in the transfers a key may read), and are refused for every key.
    const hiddenUser = (f: Facts) => f.kind === 'user' && !inClientScope(who, f.clientId);
    if (!debit || !credit || hiddenUser(debit) || hiddenUser(credit)) throw hidden();
    if (debit.kind !== 'user' || credit.kind !== 'user') {
      throw domainError(
        LedgerErrors['transfer.system_account'],
        'the API moves value only between user accounts; system accounts are written by the contexts that own them or by an approved correction',
        at(index),
      );
    }
    if (debit.clientId !== credit.clientId)
      throw domainError(
        LedgerErrors['transfer.cross_client'],
        'both accounts must belong to the same client',
        at(index),
      );
    if (!debit.debitsMustNotExceedCredits)
      throw domainError(
        LedgerErrors['transfer.debit_unbounded'],
        'the debited account can go negative; the API debits only bounded user accounts',
        at(index),
      );
    return debit.clientId;
  }

  /** The stored transfers that the batch's post/void items name. */
  private async pendingsOf(items: readonly TransferInput[]): Promise<Map<string, Transfer>> {
    const ids = items.filter(isResolving).map((t) => t.pendingId ?? '');
    return new Map((await this.ledger.findTransfers(ids)).map((t) => [t.id, t]));
  }

  private async load(ids: readonly string[]): Promise<void> {
    const missing = [...new Set(ids.filter((id) => typeof id === 'string').map(canon))].filter(
      (id) => !this.facts.has(id),
    );
    if (missing.length === 0) return;
    if (this.facts.size > 200_000) this.facts.clear();
    for (const a of await this.ledger.getAccounts(missing)) {
      this.facts.set(a.id, {
        clientId: a.clientId,
        kind: a.kind,
        debitsMustNotExceedCredits: a.flags.debitsMustNotExceedCredits,
      });
    }
  }
}

const canon = (id: string) => (typeof id === 'string' ? id.toLowerCase() : id);
const isResolving = (t: TransferInput) =>
  Array.isArray(t.flags) && (t.flags.includes('post_pending') || t.flags.includes('void_pending'));

function sameFlags(given: AccountFlags | undefined, defaults: Required<AccountFlags>): boolean {
  if (!given) return true;
  return (Object.keys(defaults) as (keyof AccountFlags)[]).every(
    (k) => given[k] === undefined || given[k] === defaults[k],
  );
}
