import type {
  CustodyWallet,
  SignedChainTx,
  TxStatus,
  UnsignedChainTx,
  UtxoCapability,
  WithdrawalBatch,
} from '@strongroom/chains-core';
import { Transaction } from 'bitcoinjs-lib';
import type { BitcoinNetworkName } from './logic/bitcoin-network';
import { buildCpfp } from './logic/build-cpfp';
import { checkCpfpIntent } from './logic/check-cpfp-intent';
import { feeRatePolicy, type FeeRateBounds } from './logic/fee-rate-policy';
import { inputDigests } from './logic/input-digests';
import { inputsOfRaw, outpointsOfPsbt, type SpentOutput } from './logic/spent-outpoints';
import type { BitcoinRpc } from './network/bitcoin-rpc';
import type { DerivedAddress } from '@strongroom/chains-core';

/** Where one input of a transaction the node does not have stands (see `inputStates`). */
export interface InputState extends SpentOutput {
  /** unspent: still spendable; spent: spent by a mined transaction (a conflict); pending: the
   * funding transaction or a spend of it is only in the mempool; missing: the node does not know
   * the funding transaction (e.g. our own unconfirmed parent that was dropped too). */
  state: 'unspent' | 'spent' | 'pending' | 'missing';
}

/** What the UTXO capability needs from the adapter it belongs to. */
export interface UtxoHost {
  readonly network: BitcoinNetworkName;
  buildWithdrawal(batch: WithdrawalBatch, opts: { taken?: ReadonlySet<string> }): Promise<UnsignedChainTx>;
  changeAddress(wallet: CustodyWallet): DerivedAddress;
  status(txid: string): Promise<TxStatus>;
}

/**
 * The Bitcoin adapter's UTXO capability: coin selection around reserved outpoints, the outpoints
 * and inputs of stored transactions, input verdicts for a transaction that came back, CPFP.
 */
export class BitcoinUtxo implements UtxoCapability {
  constructor(
    private readonly host: UtxoHost,
    private readonly rpc: BitcoinRpc,
    private readonly feeBounds: FeeRateBounds & { default: number; confirmationTarget?: number },
    /** Fee bumps replace the stuck transaction (BIP-125) instead of adding a CPFP child. */
    readonly replaceByFee: boolean,
  ) {}

  /** `buildWithdrawal` over the custody outputs no other batch owns (`taken`: the caller's durable reservations). */
  buildAvoiding(batch: WithdrawalBatch, taken: ReadonlySet<string>): Promise<UnsignedChainTx> {
    return this.host.buildWithdrawal(batch, { taken });
  }

  /** The outpoints (`outpointKey`) a stored unsigned payload spends: what its batch reserves. */
  spentOutpoints(payload: string): string[] {
    return outpointsOfPsbt(payload);
  }

  /** The outputs a raw transaction spends (display-order txids), to order parents before children. */
  inputsOf(raw: string): SpentOutput[] {
    return inputsOfRaw(raw);
  }

  /**
   * For a transaction in neither the chain nor the mempool: where each of its inputs stands. An
   * input `spent` means another transaction, mined, took it: this one can never be mined.
   */
  async inputStates(raw: string): Promise<InputState[]> {
    const out: InputState[] = [];
    for (const i of inputsOfRaw(raw)) out.push({ ...i, state: await this.inputState(i) });
    return out;
  }

  /**
   * A CPFP child for a stuck withdrawal: spends its change output back to the change address so
   * that parent and child together pay `feeRate` sat/vB (default: see below). Checked by `checkCpfpIntent`, signed like
   * a withdrawal (one input, the wallet's keys).
   */
  async buildCpfp(
    parent: SignedChainTx,
    parentFee: bigint,
    wallet: CustodyWallet,
    feeRate?: number,
  ): Promise<UnsignedChainTx> {
    const change = this.host.changeAddress(wallet);
    // Without a rate: the node's estimate, at least twice what the parent pays, within the policy's ceiling.
    const parentRate = Number(parentFee) / Transaction.fromHex(parent.raw).virtualSize();
    const wanted =
      feeRate ??
      Math.min(
        this.feeBounds.max,
        Math.max(await this.feeRate().catch(() => this.feeBounds.min), 2 * parentRate, this.feeBounds.min),
      );
    const rate = feeRatePolicy(undefined, Math.ceil(wanted * 1000) / 1000, this.feeBounds.default, this.feeBounds);
    const plan = buildCpfp(
      parent.raw,
      parentFee,
      {
        script: Buffer.from(change.locator, 'hex'),
        witnessScript: Buffer.from(change.derivation, 'hex'),
        threshold: wallet.threshold,
      },
      rate,
      this.host.network,
    );
    return {
      chain: 'bitcoin',
      batchId: parent.batchId,
      payload: plan.psbt.toBase64(),
      digests: inputDigests(plan.psbt).flatMap((d) =>
        d.keys.map((publicKey) => ({ publicKey, digest: d.digest, purpose: `CPFP of ${parent.txid}:${plan.vout}` })),
      ),
      fee: plan.fee,
    };
  }

  checkCpfpIntent(unsigned: UnsignedChainTx, parent: SignedChainTx, parentFee: bigint, wallet: CustodyWallet): void {
    checkCpfpIntent(unsigned, {
      network: this.host.network,
      parentRaw: parent.raw,
      parentFee,
      changeScript: this.host.changeAddress(wallet).locator,
      threshold: wallet.threshold,
      publicKeys: wallet.publicKeys,
      maxFeeRate: this.feeBounds.max,
    });
  }

  /** The node's fee-rate estimate within the policy bounds, or the policy default (sat/vB). */
  async feeRate(): Promise<number> {
    const estimate = await this.rpc.estimateFeeRate(this.feeBounds.confirmationTarget ?? 6).catch(() => undefined);
    return feeRatePolicy(undefined, estimate, this.feeBounds.default, this.feeBounds);
  }

  private async inputState(i: SpentOutput): Promise<InputState['state']> {
    if ((await this.rpc.call<unknown>('gettxout', [i.txid, i.vout, false])) !== null)
      return (await this.rpc.isUnspent(i.txid, i.vout)) ? 'unspent' : 'pending';
    const funding = await this.host.status(i.txid);
    if (funding.state === 'unknown') return 'missing';
    if (funding.state === 'mempool') return (await this.rpc.isUnspent(i.txid, i.vout)) ? 'unspent' : 'pending';
    return 'spent';
  }
}
