import fc from 'fast-check';
import { describeEachBackend } from '@strongroom/testing';
import { depositTransferId } from './deposit-book';
import type { DepositFollower } from './deposit-follower';
import { depositsContext } from '../deposits.context';
import { FollowerFixture } from '../testing/follower-fixture';
import type { ScriptedTx } from '../testing/scripted-chain';

/**
 * Property: whatever the chain does (blocks, mempool, reorgs of any depth, including to a shorter
 * branch) and wherever the follower process dies (any checkpoint, inside or after a transaction),
 * once a fresh follower catches up every deep-enough deposit on the final chain is credited
 * exactly once, nothing off the chain stays credited, and user balances equal their credited
 * deposits.
 */
type Payment = { user: number; amount: number };
type Cmd =
  | { kind: 'mine'; payments: Payment[]; alsoMempool: boolean }
  | { kind: 'mempool'; payments: Payment[] }
  | { kind: 'reorg'; depth: number; extra: number; keep: boolean[] }
  | { kind: 'steps'; n: number };

const payment = fc.record({ user: fc.integer({ min: 0, max: 2 }), amount: fc.integer({ min: 1, max: 1_000_000 }) });
const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('mine' as const),
      payments: fc.array(payment, { maxLength: 3 }),
      alsoMempool: fc.boolean(),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('mempool' as const),
      payments: fc.array(payment, { minLength: 1, maxLength: 2 }),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('reorg' as const),
      depth: fc.integer({ min: 1, max: 5 }),
      extra: fc.integer({ min: -1, max: 2 }),
      keep: fc.array(fc.boolean(), { minLength: 8, maxLength: 8 }),
    }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('steps' as const), n: fc.integer({ min: 1, max: 6 }) }) },
);

class Crash extends Error {}

describeEachBackend('deposit follower under restarts and reorgs', { contexts: [depositsContext] }, (ctx) => {
  let run = 0;
  let totalRestarts = 0;

  it('credits every deep deposit exactly once and leaves nothing off-chain credited', async () => {
    const { db, backend } = ctx();
    // Long because one property run is one story: the commands, the crash points they hit and the
    // restarts are checked against the same chain and ledger at its end, in this order.
    await fc.assert(
      fc.asyncProperty(
        fc.array(cmd, { minLength: 5, maxLength: 30 }),
        fc.uniqueArray(fc.integer({ min: 0, max: 250 }), { maxLength: 8 }),
        async (cmds, crashPoints) => {
          run++;
          await db.query(
            'TRUNCATE deposits.incidents, deposits.deposits, deposits.addresses, deposits.cursors, deposits.blocks, deposits.leases',
          );
          const f = new FollowerFixture(db, 'bitcoin', `run${run}`);
          await f.registerOperatorWallet();
          const client = `prop${run}`;
          const users = ['u0', 'u1', 'u2'];
          const addresses = await Promise.all(users.map((u) => f.address(client, u)));

          let checkpoints = 0;
          const crashes = new Set(crashPoints);
          let crashing = true;
          const checkpoint = () => {
            if (crashing && crashes.has(checkpoints++)) throw new Crash();
          };
          let follower: DepositFollower = f.follower({ checkpoint });
          let restarts = 0;
          const step = async () => {
            try {
              await follower.step();
            } catch (err) {
              if (!(err instanceof Crash)) throw err;
              follower = f.follower({ checkpoint }); // the process died: a new one starts from the database
              restarts++;
              totalRestarts++;
            }
          };

          let n = 0;
          const makeTx = (payments: Payment[]): ScriptedTx => ({
            txid: `${run.toString(16).padStart(8, '0')}${(++n).toString(16).padStart(56, '0')}`,
            outputs: payments.map((p) => ({ address: addresses[p.user], asset: 'BTC', amount: BigInt(p.amount) })),
          });
          for (const c of cmds) {
            if (c.kind === 'mine') {
              const txs = c.payments.length ? [makeTx(c.payments)] : [];
              if (c.alsoMempool) f.chain.mempool.push(...txs);
              f.chain.mine(txs);
            } else if (c.kind === 'mempool') {
              f.chain.mempool.push(makeTx(c.payments));
            } else if (c.kind === 'reorg') {
              const depth = Math.min(c.depth, f.chain.tip.height);
              if (depth < 1) continue;
              const top = f.chain.blocks.slice(-depth).flatMap((b) => b.txs);
              const kept = top.filter((_, i) => c.keep[i % 8]);
              const blocks: ScriptedTx[][] = Array.from({ length: Math.max(1, depth + c.extra) }, () => []);
              kept.forEach((t, i) => blocks[(i * 7) % blocks.length].push(t));
              f.chain.reorg(depth, blocks, (t) => t.txid.endsWith('0') || t.txid.endsWith('5'));
            } else {
              for (let i = 0; i < c.n; i++) await step();
            }
          }
          crashing = false;
          follower = f.follower();
          await follower.syncToTip();

          const deposits = await f.queries.deposits({ clientId: client, limit: 1000 });
          const onChain = new Map(f.chain.blocks.flatMap((b) => b.txs.map((t) => [t.txid, b.height] as const)));
          for (const d of deposits) {
            const height = onChain.get(d.txid);
            const deep = height !== undefined && f.chain.tip.height - height + 1 >= 3;
            // No miss: deep on the final chain ⇒ credited. No phantom: credited ⇒ on the final chain.
            if (deep) expect(d.state).toBe('credited');
            if (d.state === 'credited') expect(height).toBeDefined();
            if (height === undefined) expect(['seen', 'dropped', 'reversed']).toContain(d.state);
            // Exactly once: credits minus reversals is 1 when credited, 0 otherwise; every transfer exists.
            expect(d.credits - d.reversals).toBe(d.state === 'credited' ? 1 : 0);
            const ids = [
              ...Array.from({ length: d.credits }, (_, i) =>
                depositTransferId('deposit', 'bitcoin', d.txid, d.index, i + 1),
              ),
              ...Array.from({ length: d.reversals }, (_, i) =>
                depositTransferId('reversal', 'bitcoin', d.txid, d.index, i + 1),
              ),
            ];
            expect(
              await f.existingTransfers([
                ...ids,
                depositTransferId('deposit', 'bitcoin', d.txid, d.index, d.credits + 1),
              ]),
            ).toEqual(ids);
          }
          // Every output on the final chain to our addresses was recorded.
          const recorded = new Set(deposits.map((d) => `${d.txid}:${d.index}`));
          for (const b of f.chain.blocks)
            for (const t of b.txs) t.outputs.forEach((_, i) => expect(recorded.has(`${t.txid}:${i}`)).toBe(true));
          for (const [i, u] of users.entries()) {
            const credited = deposits
              .filter((d) => d.userId === u && d.state === 'credited')
              .reduce((s, d) => s + d.amount, 0n);
            expect(await f.userBalance(client, u)).toBe(credited);
            expect(addresses[i]).toBeTruthy();
          }
          expect(restarts).toBeLessThanOrEqual(crashes.size);
        },
      ),
      { numRuns: backend === 'postgres' ? 8 : 15, endOnFailure: true },
    );
    // The crash points were reached (restarts happened) and the ledger still balances.
    expect(totalRestarts).toBeGreaterThan(0);
    expect((await new FollowerFixture(db).ledger.checkInvariants()).ok).toBe(true);
  });
});
