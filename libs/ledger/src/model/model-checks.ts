import { LedgerModel } from './ledger-model';
import type { Accounts } from './operations';

export function modelWithAccounts(acc: Accounts): LedgerModel {
  const m = new LedgerModel();
  for (const u of acc.users) m.addAccount({ id: u, asset: 'BTC', dmnec: true, cmned: false });
  m.addAccount({ id: acc.custody, asset: 'BTC', dmnec: false, cmned: true });
  m.addAccount({ id: acc.fee, asset: 'BTC', dmnec: false, cmned: false });
  m.addAccount({ id: acc.ethUser, asset: 'ETH', dmnec: true, cmned: false });
  return m;
}

/** Invariants of the model: double entry per asset, flags, and conservation of user money. */
export function checkModel(m: LedgerModel, acc: Accounts, depositsPosted: bigint): void {
  const all = m.accounts;
  for (const asset of ['BTC', 'ETH']) {
    const xs = all.filter((a) => a.asset === asset);
    const sum = (f: (a: (typeof xs)[number]) => bigint) => xs.reduce((s, a) => s + f(a), 0n);
    same(
      sum((a) => a.dp),
      sum((a) => a.cp),
      `${asset} pending debits = credits`,
    );
    same(
      sum((a) => a.dq),
      sum((a) => a.cq),
      `${asset} posted debits = credits`,
    );
  }
  for (const a of all) {
    same(
      [a.dp, a.dq, a.cp, a.cq].every((v) => v >= 0n),
      true,
      `${a.id} non-negative`,
    );
    if (a.dmnec) same(a.dp + a.dq <= a.cq, true, `${a.id} debits must not exceed credits`);
    if (a.cmned) same(a.cp + a.cq <= a.dq, true, `${a.id} credits must not exceed debits`);
  }
  // What the operations imply: everything deposited is now either with the users or the fees.
  const users = acc.users.reduce((s, u) => s + (m.account(u).cq - m.account(u).dq), 0n);
  const fee = m.account(acc.fee);
  same(users + (fee.cq - fee.dq), depositsPosted, 'users + fees = deposits');
  same(m.account(acc.custody).dq - m.account(acc.custody).cq, depositsPosted, 'custody = deposits');
}

/** A cheap equality check for the hot loop (jest's expect is slow at 10,000 runs); fails like expect. */
export function same(actual: unknown, expected: unknown, what: string): void {
  const a = JSON.stringify(actual, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));
  const e = JSON.stringify(expected, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v));
  if (a !== e) throw new Error(`${what}: expected ${e}, got ${a}`);
}
