import { coinselect } from '@bitcoinerlab/coinselect';
import { ChainErrors } from '@strongroom/chains-core';
import { domainError } from '@strongroom/shared-types';
import type { CustodyUtxo } from './custody-utxo';
import { custodyInputWeight } from './custody-input-weight';

export interface PaymentTarget {
  script: Buffer;
  value: bigint;
}

export interface CoinSelection {
  inputs: CustodyUtxo[];
  /** Change in satoshi (0 = no change output: the remainder was below dust and went to fees). */
  change: bigint;
  fee: bigint;
  vsize: number;
}

type OutputInstance = Parameters<typeof coinselect>[0]['remainder'];

/**
 * Just enough of @bitcoinerlab/descriptors' Output for coinselect: our custody inputs are
 * `<tag> OP_DROP multisig` witness scripts, which no miniscript descriptor expresses, so their
 * weight comes from custodyInputWeight. For destinations, the spend weight used for dust is
 * Bitcoin Core's assumption (67 vB witness, 148 vB legacy), so the dust rule matches the node's.
 */
class ScriptOutput {
  constructor(
    private readonly script: Buffer,
    private readonly spendWeight: number,
  ) {}
  getScriptPubKey(): Buffer {
    return this.script;
  }
  isSegwit(): boolean {
    return this.script[0] === 0 || (this.script[0] >= 0x51 && this.script[0] <= 0x60);
  }
  expand(): { expandedExpression: string } {
    return { expandedExpression: 'strongroom-script' };
  }
  inputWeight(): number {
    return this.spendWeight;
  }
  outputWeight(): number {
    return 4 * (8 + 1 + this.script.length);
  }
}

function asOutput(script: Buffer, spendWeight: number): OutputInstance {
  return new ScriptOutput(script, spendWeight) as unknown as OutputInstance;
}

const destinationSpendWeight = (script: Buffer) =>
  script[0] === 0 || (script[0] >= 0x51 && script[0] <= 0x60) ? 67 * 4 : 148 * 4;

/**
 * Chooses custody inputs for `targets` at `feeRate` sat/vB with @bitcoinerlab/coinselect
 * (avoid-change first, then accumulate), change to `changeScript` when above dust.
 */
export function selectCoins(
  utxos: CustodyUtxo[],
  targets: PaymentTarget[],
  change: { script: Buffer; witnessScriptLength: number; threshold: number },
  feeRate: number,
): CoinSelection {
  const inputWeight = (u: CustodyUtxo) => custodyInputWeight(change.threshold, u.witnessScript.length / 2);
  const candidates = utxos.map((u) => ({
    output: asOutput(Buffer.from(u.script, 'hex'), inputWeight(u)),
    value: Number(u.value),
    utxo: u,
  }));
  const remainder = asOutput(change.script, custodyInputWeight(change.threshold, change.witnessScriptLength));
  const wanted = targets.map((t) => ({
    output: asOutput(t.script, destinationSpendWeight(t.script)),
    value: Number(t.value),
  }));
  const total = targets.reduce((a, t) => a + t.value, 0n);
  if (candidates.length === 0)
    throw domainError(
      ChainErrors['withdrawal.insufficient_custody_funds'],
      `no spendable custody outputs for ${total} sat`,
      {},
    );
  const result = coinselect({ utxos: candidates, targets: wanted, remainder, feeRate });
  if (!result) {
    const available = utxos.reduce((a, u) => a + u.value, 0n);
    throw domainError(
      ChainErrors['withdrawal.insufficient_custody_funds'],
      `custody holds ${available} sat in ${utxos.length} outputs, not enough for ${total} sat plus fees`,
      {
        available: available.toString(),
        required: total.toString(),
      },
    );
  }
  const byOutput = new Map(candidates.map((c) => [c.output, c.utxo]));
  const inputs = result.utxos.map((sel) => {
    const u = byOutput.get(sel.output);
    if (!u) throw new Error('coinselect returned an output it was not given');
    return u;
  });
  const changeTarget = result.targets.find((t) => t.output === remainder);
  return {
    inputs,
    change: changeTarget ? BigInt(changeTarget.value) : 0n,
    fee: BigInt(result.fee),
    vsize: result.vsize,
  };
}
