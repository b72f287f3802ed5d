import type { Tx } from '@strongroom/persistence';
import type { InvariantReport } from './ledger.types';

type Sums = { asset: string; dp: string; cp: string; dq: string; cq: string };

/**
 * The runtime invariant check, inside one REPEATABLE READ snapshot so rows and
 * transfers are seen at the same instant:
 * - per asset, Σ debits = Σ credits, pending and posted;
 * - no account breaks its flags (or holds a negative column);
 * - every account row equals the sum of its transfers' deltas;
 * - a pending transfer is resolved at most once, and its state agrees with its resolution;
 * - every transfer names existing accounts and belongs to a batch of its size;
 * - the stamped sequence is gap-free (1..last); unstamped batches are the sequencer's tail.
 *
 * Long because each invariant is one query and its violations, read top to bottom as the list above.
 */
export async function checkInvariants(tx: Tx): Promise<InvariantReport> {
  const [{ last }] = await tx.query<{ last: string }>('SELECT last FROM ledger.sequencer WHERE id = 1');
  const sums = await tx.query<Sums>(
    `SELECT asset, sum(debits_pending) AS dp, sum(credits_pending) AS cp, sum(debits_posted) AS dq, sum(credits_posted) AS cq
     FROM ledger.accounts GROUP BY asset ORDER BY asset`,
  );
  const perAsset = sums.map((s) => {
    const v = {
      asset: s.asset,
      debitsPending: BigInt(s.dp),
      creditsPending: BigInt(s.cp),
      debitsPosted: BigInt(s.dq),
      creditsPosted: BigInt(s.cq),
    };
    return { ...v, balanced: v.debitsPending === v.creditsPending && v.debitsPosted === v.creditsPosted };
  });
  const violations: InvariantReport['violations'] = [];
  const flagRows = await tx.query<{ id: string; rule: string }>(
    `SELECT id, CASE
        WHEN least(debits_pending, debits_posted, credits_pending, credits_posted) < 0 THEN 'balances_non_negative'
        WHEN debits_must_not_exceed_credits AND debits_pending + debits_posted > credits_posted THEN 'debits_must_not_exceed_credits'
        ELSE 'credits_must_not_exceed_debits' END AS rule
     FROM ledger.accounts
     WHERE least(debits_pending, debits_posted, credits_pending, credits_posted) < 0
        OR (debits_must_not_exceed_credits AND debits_pending + debits_posted > credits_posted)
        OR (credits_must_not_exceed_debits AND credits_pending + credits_posted > debits_posted)`,
  );
  for (const r of flagRows) violations.push({ accountId: r.id, rule: r.rule, detail: `account breaks ${r.rule}` });
  const drift = await tx.query<{
    id: string;
    dp: string;
    dq: string;
    cp: string;
    cq: string;
    tdp: string;
    tdq: string;
    tcp: string;
    tcq: string;
  }>(
    `WITH d AS (SELECT debit_account_id AS id, sum(pending_delta) AS p, sum(posted_delta) AS q FROM ledger.transfers GROUP BY 1),
          c AS (SELECT credit_account_id AS id, sum(pending_delta) AS p, sum(posted_delta) AS q FROM ledger.transfers GROUP BY 1)
     SELECT a.id, a.debits_pending AS dp, a.debits_posted AS dq, a.credits_pending AS cp, a.credits_posted AS cq,
            coalesce(d.p, 0) AS tdp, coalesce(d.q, 0) AS tdq, coalesce(c.p, 0) AS tcp, coalesce(c.q, 0) AS tcq
     FROM ledger.accounts a LEFT JOIN d ON d.id = a.id LEFT JOIN c ON c.id = a.id
     WHERE a.debits_pending <> coalesce(d.p, 0) OR a.debits_posted <> coalesce(d.q, 0)
        OR a.credits_pending <> coalesce(c.p, 0) OR a.credits_posted <> coalesce(c.q, 0)`,
  );
  for (const r of drift) {
    violations.push({
      accountId: r.id,
      rule: 'row_equals_transfers',
      detail: `row (dp ${r.dp}, dq ${r.dq}, cp ${r.cp}, cq ${r.cq}) differs from its transfers (dp ${r.tdp}, dq ${r.tdq}, cp ${r.tcp}, cq ${r.tcq})`,
    });
  }
  const pendings = await tx.query<{ pending_id: string; debit_account_id: string; state: string }>(
    `SELECT p.pending_id, t.debit_account_id, p.state FROM ledger.pending_states p
       JOIN ledger.transfers t ON t.id = p.pending_id
       LEFT JOIN ledger.transfers r ON r.pending_id = p.pending_id
     WHERE (p.state = 'pending') <> (r.id IS NULL) OR (r.id IS NOT NULL AND r.id <> p.resolved_by)`,
  );
  for (const r of pendings) {
    violations.push({
      accountId: r.debit_account_id,
      rule: 'pending_resolved_once',
      detail: `pending ${r.pending_id} is ${r.state} but its resolution disagrees`,
    });
  }
  for (const r of await tx.query<{ id: string }>(
    `SELECT t.id FROM ledger.transfers t
      WHERE NOT EXISTS (SELECT 1 FROM ledger.accounts a WHERE a.id = t.debit_account_id)
         OR NOT EXISTS (SELECT 1 FROM ledger.accounts a WHERE a.id = t.credit_account_id) LIMIT 100`,
  ))
    violations.push({
      accountId: '-',
      rule: 'transfer_accounts_exist',
      detail: `transfer ${r.id} names a missing account`,
    });
  for (const r of await tx.query<{ ticket: string }>(
    `SELECT coalesce(b.ticket, t.ticket)::text AS ticket FROM ledger.batches b
       FULL JOIN (SELECT ticket, count(*) AS n, min(ord) AS lo, max(ord) AS hi FROM ledger.transfers GROUP BY ticket) t
         ON t.ticket = b.ticket
      WHERE b.ticket IS NULL OR t.ticket IS NULL OR t.n <> b.size OR t.lo <> 1 OR t.hi <> b.size LIMIT 100`,
  ))
    violations.push({ accountId: '-', rule: 'batch_whole', detail: `batch ${r.ticket} and its transfers disagree` });
  const [g] = await tx.query<{ n: string; total: string | null; max: string | null; gaps: string }>(
    `SELECT count(*) AS n, sum(size) AS total, max(first_sequence + size - 1) AS max,
            count(*) FILTER (WHERE first_sequence <> coalesce(prev_end, 0) + 1) AS gaps
       FROM (SELECT first_sequence, size, lag(first_sequence + size - 1) OVER (ORDER BY first_sequence) AS prev_end
               FROM ledger.batches WHERE first_sequence IS NOT NULL) s`,
  );
  if (BigInt(g.total ?? '0') !== BigInt(last) || BigInt(g.max ?? '0') !== BigInt(last) || g.gaps !== '0') {
    violations.push({
      accountId: '-',
      rule: 'sequence_gap_free',
      detail: `${g.n} stamped batches of ${g.total ?? 0} transfers, highest sequence ${g.max ?? 0}, ${g.gaps} gaps, sequencer at ${last}`,
    });
  }
  const ok = violations.length === 0 && perAsset.every((a) => a.balanced);
  return { ok, checkedAt: new Date(), sequence: BigInt(last), perAsset, violations };
}
