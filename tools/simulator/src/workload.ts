import { createHash } from 'node:crypto';
import { formatAssetUnits } from '@strongroom/shared-types';
import type { ChainId } from '@strongroom/shared-types';
import type { Prng } from './prng';
import type { SimProcess } from './process/sim-process';
import { ASSET_OF, randomPolicy, SIM_ASSETS } from './setup';
import { simAddress } from './world/sim-adapter';
import type { SimTx } from './world/sim-chain';
import type { World } from './world/world';

export const CLIENTS = ['c1', 'c2'];
export const USERS = ['u1', 'u2', 'u3'];
const APPROVERS = [
  { keyId: 'approver-1', role: 'approver' },
  { keyId: 'approver-2', role: 'approver' },
  { keyId: 'approver-3', role: 'approver' },
];
const ADMIN = { keyId: 'admin-1', role: 'admin' };

/** What users, exchanges and operators do: each action is one call of the public API (or a payment on a chain). */
export class Workload {
  /** Deposit addresses issued so far, per chain: address → owner. */
  readonly addresses: Record<ChainId, Map<string, { clientId: string; userId: string }>> = {
    bitcoin: new Map(),
    ethereum: new Map(),
  };
  /** Deposit transactions the network lost, which a user may send again. */
  readonly lostDeposits: SimTx[] = [];
  private readonly idempotencyKeys: {
    clientId: string;
    key: string;
    body: Parameters<SimProcess['withdrawals']['request']>[2];
  }[] = [];
  private deposits = 0;
  private requests = 0;

  constructor(
    private readonly world: World,
    private readonly rng: Prng,
  ) {}

  backend(clientId: string): { keyId: string; role: string } {
    return { keyId: `backend-${clientId}`, role: 'backend' };
  }

  async issueAddress(p: SimProcess): Promise<string> {
    const clientId = this.rng.pick(CLIENTS);
    const userId = this.rng.pick(USERS);
    const chain = this.chain();
    const issued = (await p.addresses.issue({ clientId, userId, asset: ASSET_OF[chain], fresh: this.rng.chance(0.3) }))
      .address;
    this.addresses[chain].set(issued.address, { clientId, userId });
    return `address ${chain} ${clientId}/${userId}`;
  }

  /** A user pays one (sometimes two) of their deposit addresses. */
  deposit(): string {
    const chain = this.chain();
    const known = [...this.addresses[chain].keys()];
    if (known.length === 0) return 'deposit: no address yet';
    const unit = 10n ** BigInt(SIM_ASSETS.get(ASSET_OF[chain]).decimals);
    const outputs = [1, 2].slice(0, this.rng.chance(0.2) ? 2 : 1).map(() => ({
      address: this.rng.pick(known),
      asset: ASSET_OF[chain],
      amount: (unit / 1000n) * BigInt(this.rng.int(1, 2000)),
    }));
    // Sometimes a payment to a stranger rides along (change, other customers): ignored by us.
    if (this.rng.chance(0.3))
      outputs.push({ address: simAddress(chain, `stranger-${this.rng.u32()}`), asset: ASSET_OF[chain], amount: unit });
    const tx: SimTx = {
      txid: createHash('sha256').update(`deposit-${chain}-${++this.deposits}`).digest('hex'),
      outputs,
      fee: 0n,
    };
    this.world.chains[chain].accept(tx);
    return `deposit ${chain} ${tx.txid.slice(0, 8)} ${outputs.map((o) => o.amount).join('+')}`;
  }

  /** A user re-sends a deposit the network lost. */
  resendLostDeposit(): string {
    if (this.lostDeposits.length === 0) return 'resend: nothing lost';
    const tx = this.lostDeposits.splice(this.rng.int(0, this.lostDeposits.length - 1), 1)[0];
    const chain: ChainId = tx.outputs[0].asset === 'BTC' ? 'bitcoin' : 'ethereum';
    this.world.chains[chain].accept(tx);
    return `resend deposit ${tx.txid.slice(0, 8)}`;
  }

  /** A withdrawal request: a new one, or a retry of an earlier one with the same key and body. */
  async requestWithdrawal(p: SimProcess): Promise<string> {
    if (this.idempotencyKeys.length > 0 && this.rng.chance(0.15)) {
      const prev = this.rng.pick(this.idempotencyKeys);
      const r = await p.withdrawals.request(this.backend(prev.clientId), prev.key, prev.body);
      return `retry withdrawal ${prev.key}: created=${r.created}`;
    }
    const chain = this.chain();
    const asset = ASSET_OF[chain];
    // Mostly users who have an account on this chain (a deposit address); now and then anyone.
    const owners = [...this.addresses[chain].values()];
    const { clientId, userId } =
      owners.length > 0 && this.rng.chance(0.9)
        ? this.rng.pick(owners)
        : { clientId: this.rng.pick(CLIENTS), userId: this.rng.pick(USERS) };
    const unit = 10n ** BigInt(SIM_ASSETS.get(asset).decimals);
    const amount = (unit / 1000n) * BigInt(this.rng.chance(0.9) ? this.rng.int(1, 400) : this.rng.int(400, 3000));
    const body = {
      clientId,
      userId,
      asset,
      amount: amount.toString(), // base units, as every API takes them
      destination: simAddress(chain, `dest-${this.rng.int(1, 50)}`),
    };
    const key = `w-${++this.requests}`;
    this.idempotencyKeys.push({ clientId, key, body });
    const r = await p.withdrawals.request(this.backend(clientId), key, body);
    // The trace reads in asset units, as it always has: traces of one seed stay comparable.
    return `withdrawal ${key} ${clientId}/${userId} ${formatAssetUnits(amount, SIM_ASSETS.get(asset).decimals)} ${asset}: ${r.withdrawal.status}`;
  }

  async approve(p: SimProcess): Promise<string> {
    const { data: pending } = await p.approvals.pending({ limit: 50 });
    if (pending.length === 0) return 'approve: none pending';
    const w = this.rng.pick(pending);
    const approver = this.rng.pick(APPROVERS);
    if (this.rng.chance(0.1)) {
      await p.approvals.reject(approver, w.id, 'simulated rejection');
      return `reject ${w.id.slice(0, 8)}`;
    }
    await p.approvals.approve(approver, w.id);
    return `approve ${w.id.slice(0, 8)} by ${approver.keyId}`;
  }

  async cancel(p: SimProcess): Promise<string> {
    const clientId = this.rng.pick(CLIENTS);
    const { data } = await p.withdrawals.list({ clientId, limit: 20 });
    if (data.length === 0) return 'cancel: nothing';
    const w = this.rng.pick(data);
    await p.withdrawals.cancel(this.backend(clientId), w.id, 'simulated cancel');
    return `cancel ${w.id.slice(0, 8)} (was ${w.status})`;
  }

  async changePolicy(p: SimProcess): Promise<string> {
    const asset = ASSET_OF[this.chain()];
    const clientId = this.rng.chance(0.7) ? '*' : this.rng.pick(CLIENTS);
    await p.policies.put(ADMIN, asset, clientId, randomPolicy(this.world, asset));
    return `policy ${asset} ${clientId}`;
  }

  /** Approves everything waiting (the settling phase: approvers catch up). */
  async approveAll(p: SimProcess): Promise<number> {
    let n = 0;
    for (const w of (await p.approvals.pending({ limit: 500 })).data) {
      for (const approver of APPROVERS.slice(0, w.approvalsRequired + 1)) {
        await p.approvals.approve(approver, w.id).catch(() => undefined);
      }
      n++;
    }
    return n;
  }

  private chain(): ChainId {
    return this.rng.chance(0.5) ? 'bitcoin' : 'ethereum';
  }
}
