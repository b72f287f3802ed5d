import { AuditLog } from '@strongroom/audit';
import { LedgerService } from '@strongroom/ledger';
import type { Database } from '@strongroom/persistence';
import type { AssetRegistry } from '@strongroom/shared-assets';
import type { ChainId } from '@strongroom/shared-types';
import type { World } from '../world/world';
import { reconcileAgainstWorld } from './reconcile';
import type { Violation } from './violation';

interface DepositRow {
  chain: ChainId;
  txid: string;
  output_index: string;
  address: string;
  client_id: string;
  user_id: string;
  asset: string;
  amount: string;
  state: string;
}

interface WithdrawalRow {
  id: string;
  client_id: string;
  user_id: string;
  asset: string;
  chain: ChainId;
  amount: string;
  fee: string;
  status: string;
}

const LIVE = new Set([
  'held',
  'awaiting_approval',
  'approved',
  'batched',
  'signing',
  'signed',
  'broadcast',
  'confirmed',
]);
const TERMINAL = new Set(['settled', 'rejected', 'cancelled', 'failed']);

/**
 * The invariants, checked against the truth: the world (what the chains really hold) and a
 * reference model of every user's balance derived from the operations (credited deposits,
 * settled and live withdrawals). It reads the database directly (a checker, not a client) with
 * the true asset registry, never the one a mutation weakened.
 */
export class Checker {
  private readonly depositState = new Map<string, string>();
  private readonly withdrawalState = new Map<string, string>();
  /** Users the workload touched: client → users. */
  readonly users = new Map<string, Set<string>>();
  /** Where the operator's float sits on each chain (custody the deposits context does not know of). */
  floatAddresses: Record<ChainId, string> = { bitcoin: '', ethereum: '' };
  private readonly ledger: LedgerService;
  private readonly audit: AuditLog;

  /** `db` is the database itself, not the faulty view the process has. */
  constructor(
    private readonly db: Database,
    private readonly world: World,
    private readonly assets: AssetRegistry,
  ) {
    this.ledger = new LedgerService(db);
    this.audit = new AuditLog(db);
  }

  /** Everything that must hold after every step. */
  async afterStep(): Promise<Violation[]> {
    const ledger = this.ledger;
    const out: Violation[] = [];
    const deposits = await this.db.query<DepositRow>(
      `SELECT chain, txid, output_index, address, client_id, user_id, asset, amount::text, state FROM deposits.deposits ORDER BY seq`,
    );
    const withdrawals = await this.db.query<WithdrawalRow>(
      `SELECT id, client_id, user_id, asset, chain, amount::text, fee::text, status FROM withdrawals.withdrawals ORDER BY seq`,
    );
    this.checkDeposits(deposits, out);
    this.checkWithdrawals(withdrawals, out);
    this.checkPayments(withdrawals, out);
    await this.checkBalances(ledger, deposits, withdrawals, out);
    const inv = await ledger.checkInvariants();
    for (const a of inv.perAsset)
      if (!a.balanced)
        out.push({
          code: 'ledger.unbalanced',
          detail: `${a.asset}: debits ${a.debitsPosted}/${a.debitsPending} credits ${a.creditsPosted}/${a.creditsPending}`,
        });
    for (const v of inv.violations)
      out.push({ code: 'ledger.account', detail: `${v.accountId} ${v.rule}: ${v.detail}` });
    return out;
  }

  /** A deposit is credited only once it is as deep as its asset requires, paying what the chain says. */
  private checkDeposits(rows: DepositRow[], out: Violation[]): void {
    for (const d of rows) {
      const key = `${d.chain}:${d.txid}:${d.output_index}`;
      const before = this.depositState.get(key);
      this.depositState.set(key, d.state);
      const chain = this.world.chains[d.chain];
      const tx = chain.everSeen.get(d.txid);
      const o = tx?.outputs[Number(d.output_index)];
      if (!o || o.address !== d.address || o.amount !== BigInt(d.amount) || o.asset !== d.asset) {
        out.push({
          code: 'deposit.not_on_chain',
          detail: `${key} (${d.amount} ${d.asset}) matches no output the network ever saw`,
        });
        continue;
      }
      if (d.state === 'credited' && before !== 'credited') {
        const depth = chain.depth(d.txid);
        const need = this.assets.get(d.asset).confirmations;
        if (depth < need)
          out.push({ code: 'deposit.credited_early', detail: `${key} credited at depth ${depth} < ${need}` });
      }
      if (d.state === 'reversed' && before !== 'reversed') {
        out.push({
          code: 'deposit.reversed_within_rules',
          detail: `${key} reversed though no reorg reached its confirmations`,
        });
      }
    }
  }

  /** State changes only along the machine, terminal states stay terminal, and a settlement is paid on chain. */
  private checkWithdrawals(rows: WithdrawalRow[], out: Violation[]): void {
    for (const w of rows) {
      const before = this.withdrawalState.get(w.id);
      this.withdrawalState.set(w.id, w.status);
      if (before && TERMINAL.has(before) && before !== w.status)
        out.push({ code: 'withdrawal.terminal_changed', detail: `${w.id} went ${before} → ${w.status}` });
      if (w.status === 'confirmed' && before !== 'confirmed') {
        const paid = this.world.chains[w.chain].payments(w.id);
        const need = this.assets.get(w.asset).confirmations;
        if (!paid.some((p) => p.depth >= need))
          out.push({
            code: 'withdrawal.confirmed_early',
            detail: `${w.id} confirmed with on-chain payments ${JSON.stringify(paid)} (need depth ≥ ${need})`,
          });
      }
      if (w.status === 'settled' && before !== 'settled') {
        const paid = this.world.chains[w.chain].payments(w.id);
        const need = this.assets.get(w.asset).confirmations;
        if (paid.length !== 1 || paid[0].depth < need) {
          out.push({
            code: 'withdrawal.settled_unpaid',
            detail: `${w.id} settled with on-chain payments ${JSON.stringify(paid)} (need one at depth ≥ ${need})`,
          });
        }
      }
    }
  }

  /** No withdrawal is paid twice on chain, and nothing refused or failed is paid at all (deep). */
  private checkPayments(rows: WithdrawalRow[], out: Violation[]): void {
    for (const w of rows) {
      const paid = this.world.chains[w.chain].payments(w.id);
      if (paid.length > 1)
        out.push({ code: 'withdrawal.paid_twice', detail: `${w.id} paid by ${paid.map((p) => p.txid).join(', ')}` });
      const need = this.assets.get(w.asset).confirmations;
      if (
        (w.status === 'failed' || w.status === 'cancelled' || w.status === 'rejected') &&
        paid.some((p) => p.depth >= need)
      ) {
        out.push({
          code: 'withdrawal.paid_but_refunded',
          detail: `${w.id} is ${w.status} but paid by ${paid[0].txid}`,
        });
      }
    }
  }

  /**
   * The reference model: a user's posted balance is what their credited deposits brought in
   * minus what their settled withdrawals took (amount + fee); their pending debits are exactly
   * the amount + fee of their live withdrawals.
   */
  private async checkBalances(
    ledger: LedgerService,
    deposits: DepositRow[],
    withdrawals: WithdrawalRow[],
    out: Violation[],
  ): Promise<void> {
    const want = new Map<string, { posted: bigint; pending: bigint }>();
    const at = (c: string, u: string, a: string) => {
      const k = `${c}/${u}/${a}`;
      const v = want.get(k) ?? { posted: 0n, pending: 0n };
      want.set(k, v);
      return v;
    };
    for (const d of deposits)
      if (d.state === 'credited') at(d.client_id, d.user_id, d.asset).posted += BigInt(d.amount);
    for (const w of withdrawals) {
      const total = BigInt(w.amount) + BigInt(w.fee);
      if (w.status === 'settled') at(w.client_id, w.user_id, w.asset).posted -= total;
      else if (LIVE.has(w.status)) at(w.client_id, w.user_id, w.asset).pending += total;
    }
    const seen = new Set<string>();
    for (const [client, users] of this.users) {
      for (const user of users) {
        for (const acct of await ledger.listAccounts({ clientId: client, ownerId: user })) {
          if (acct.kind !== 'user') continue;
          const k = `${client}/${user}/${acct.asset}`;
          seen.add(k);
          const w = want.get(k) ?? { posted: 0n, pending: 0n };
          const posted = acct.creditsPosted - acct.debitsPosted;
          if (posted !== w.posted || acct.debitsPending !== w.pending || acct.creditsPending !== 0n) {
            out.push({
              code: 'balance.mismatch',
              detail: `${k}: ledger posted ${posted} pending ${acct.debitsPending}/${acct.creditsPending}, operations imply ${w.posted}/${w.pending}`,
            });
          }
          if (posted - acct.debitsPending < 0n)
            out.push({ code: 'balance.negative', detail: `${k}: available ${posted - acct.debitsPending}` });
        }
      }
    }
    for (const [k, w] of want)
      if (!seen.has(k) && (w.posted !== 0n || w.pending !== 0n))
        out.push({ code: 'balance.no_account', detail: `${k} should hold ${w.posted}/${w.pending}` });
  }

  /**
   * After the settling phase: nothing stuck. Every withdrawal is final, every hold resolved the
   * way its withdrawal ended, every deposit deep on chain credited, none vanished left `seen`,
   * and the audit chain verifies.
   */
  async atEnd(): Promise<Violation[]> {
    const { ledger, audit } = this;
    const out: Violation[] = [];
    const withdrawals = await this.db.query<WithdrawalRow>(
      `SELECT id, client_id, user_id, asset, chain, amount::text, fee::text, status FROM withdrawals.withdrawals ORDER BY seq`,
    );
    for (const w of withdrawals) {
      if (!TERMINAL.has(w.status))
        out.push({ code: 'withdrawal.stuck', detail: `${w.id} (${w.chain}) still ${w.status}` });
      if (w.status === 'rejected' && !(await holdExists(ledger, w.id))) continue;
      const hold = await holdState(ledger, w.id);
      const expected = w.status === 'settled' ? 'posted' : TERMINAL.has(w.status) ? 'voided' : 'pending';
      if (hold !== null && hold !== expected)
        out.push({ code: 'hold.unresolved', detail: `${w.id} is ${w.status} but its hold is ${hold}` });
    }
    const deposits = await this.db.query<DepositRow>(
      `SELECT chain, txid, output_index, address, client_id, user_id, asset, amount::text, state FROM deposits.deposits ORDER BY seq`,
    );
    for (const d of deposits) {
      const chain = this.world.chains[d.chain];
      const deep = chain.depth(d.txid) >= this.assets.get(d.asset).confirmations;
      if (deep && d.state !== 'credited')
        out.push({
          code: 'deposit.stuck',
          detail: `${d.chain}:${d.txid}:${d.output_index} is deep on chain but ${d.state}`,
        });
      if (!deep && d.state === 'credited')
        out.push({
          code: 'deposit.credited_off_chain',
          detail: `${d.chain}:${d.txid}:${d.output_index} credited but at depth ${chain.depth(d.txid)}`,
        });
      const gone = chain.depth(d.txid) === 0 && !chain.inMempool(d.txid);
      if (gone && d.state === 'seen')
        out.push({
          code: 'deposit.vanished_still_seen',
          detail: `${d.chain}:${d.txid}:${d.output_index} left the network but is still seen`,
        });
    }
    out.push(...(await reconcileAgainstWorld(this.db, this.world, this.assets, audit, this.floatAddresses)));
    await audit.flush();
    const v = await audit.verify();
    if (!v.ok) out.push({ code: 'audit.broken', detail: JSON.stringify(v.problems.slice(0, 3)) });
    return out;
  }
}

async function holdState(ledger: LedgerService, withdrawalId: string): Promise<string | null> {
  try {
    return (await ledger.getTransfer(`withdrawal:${withdrawalId}:hold`)).pendingState ?? null;
  } catch {
    return null;
  }
}

async function holdExists(ledger: LedgerService, withdrawalId: string): Promise<boolean> {
  return (await holdState(ledger, withdrawalId)) !== null;
}
