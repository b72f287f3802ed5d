import type { FloatReading } from '../float/float-reading';
import type { Rebalance } from '../rebalances/rebalance.types';

export function floatJson(r: FloatReading) {
  return {
    asset: r.asset,
    owner: r.owner,
    readingId: `${r.id}`,
    hotWalletId: r.hotWalletId,
    coldWalletId: r.coldWalletId,
    balance: `${r.balance}`,
    target: `${r.target}`,
    lower: `${r.lower}`,
    upper: `${r.upper}`,
    inputs: r.inputs,
    rule: r.rule,
    outcome: r.outcome,
    runoutSeconds: r.runoutSeconds,
    runoutAlert: r.runoutAlert,
    rebalanceId: r.rebalanceId,
    readAt: r.createdAt.toISOString(),
  };
}

export function rebalanceJson(r: Rebalance) {
  return {
    id: r.id,
    asset: r.asset,
    owner: r.owner,
    direction: r.direction,
    amount: `${r.amount}`,
    reason: r.reason,
    fromWalletId: r.fromWalletId,
    toWalletId: r.toWalletId,
    status: r.status,
    approvalsRequired: r.approvalsRequired,
    approvals: r.approvals.map((a) => ({ owner: a.owner, keyId: a.keyId, at: a.at.toISOString() })),
    readingId: `${r.readingId}`,
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}
