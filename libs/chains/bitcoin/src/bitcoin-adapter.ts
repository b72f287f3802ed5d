import type {
  AddressCheck,
  BlockRef,
  ChainAdapter,
  ChainBlock,
  ChainCapabilities,
  ChainTransfer,
  CustodyWallet,
  DerivedAddress,
  DigestSignature,
  SignedChainTx,
  TxStatus,
  UnsignedChainTx,
  WatchedAddress,
  WithdrawalBatch,
} from '@strongroom/chains-core';
import { ChainErrors, type AddressRefusalCode } from '@strongroom/chains-core';
import { domainError } from '@strongroom/shared-types';
import { address as baddress, Psbt, Transaction } from 'bitcoinjs-lib';
import { bitcoinNetwork, type BitcoinNetworkName } from './logic/bitcoin-network';
import { buildWithdrawalPsbt } from './logic/build-withdrawal-psbt';
import { changeAccount } from './logic/change-account';
import { checkWithdrawalIntent } from './logic/check-withdrawal-intent';
import { custodyScriptPubKey } from './logic/custody-script-pubkey';
import { outpointKey, type CustodyUtxo } from './logic/custody-utxo';
import { sortedKeys } from './logic/custody-witness-script';
import { decodeAddress } from './logic/decode-address';
import { deriveCustodyAddress } from './logic/derive-custody-address';
import { dustThreshold } from './logic/dust-threshold';
import { feeRatePolicy, type FeeRateBounds } from './logic/fee-rate-policy';
import { finalizeWithdrawal } from './logic/finalize-withdrawal';
import { inputDigests } from './logic/input-digests';
import { parseCustodyWitnessScript } from './logic/parse-custody-witness-script';
import { scanBlock } from './logic/scan-block';
import { ScriptSet } from './logic/script-set';
import { selectCoins } from './logic/select-coins';
import { UtxoTracker } from './logic/utxo-tracker';
import { validateAddress } from './logic/validate-address';
import { BitcoinRpc } from './network/bitcoin-rpc';
import { BitcoinUtxo } from './bitcoin-utxo';

/** A refused address in a watch list or a batch is answered 422 (the request APIs say 400), as it always was. */
const addressRefusal = (code: AddressRefusalCode) => ({ ...ChainErrors[code], status: 422 });

export type { InputState } from './bitcoin-utxo';

export interface BitcoinAdapterConfig {
  network: BitcoinNetworkName;
  rpcUrl: string;
  rpcUser?: string;
  rpcPassword?: string;
  /** Fee-rate policy in sat/vB: bounds, the default when the node has no estimate, and the estimate target. */
  feeRate: FeeRateBounds & { default: number; confirmationTarget?: number };
  /** Confirmations a custody output needs before coin selection may spend it (default 1). */
  minInputConfirmations?: number;
  /** Expected number of watched scripts, to size the match set up front. */
  expectedAddresses?: number;
  /**
   * The node relays BIP-125 replacements (Bitcoin Core does; bcoin does not). Fee bumps then
   * replace the stuck transaction; otherwise a CPFP child spends its change (default false).
   */
  replaceByFee?: boolean;
}

/**
 * Strongroom's Bitcoin chain: P2WSH m-of-n custody addresses with a per-account tag,
 * a block reader over Bitcoin Core JSON-RPC matching outputs by script, the custody UTXO set,
 * and PSBT withdrawals whose digests are signed elsewhere (KMS) and assembled here.
 */
export class BitcoinAdapter implements ChainAdapter {
  readonly chain = 'bitcoin' as const;
  readonly network: BitcoinNetworkName;
  private readonly rpc: BitcoinRpc;
  private readonly scripts: ScriptSet;
  /** Witness scripts of watched custody scripts (hex → hex), for spending what they receive. */
  private readonly witnessScripts = new Map<string, string>();
  private readonly utxos = new UtxoTracker();
  private readonly mempoolSeen = new Map<string, ChainTransfer[]>();
  /** Coin selection around reservations, re-sends and CPFP (bitcoin-utxo.ts). */
  readonly utxo: BitcoinUtxo;
  readonly capabilities: ChainCapabilities & Required<Pick<ChainCapabilities, 'utxo'>>;

  constructor(private readonly config: BitcoinAdapterConfig) {
    this.network = config.network;
    this.rpc = new BitcoinRpc({ url: config.rpcUrl, user: config.rpcUser, password: config.rpcPassword });
    this.utxo = new BitcoinUtxo(this, this.rpc, config.feeRate, config.replaceByFee ?? false);
    this.capabilities = { utxo: this.utxo };
    this.scripts = new ScriptSet(config.expectedAddresses ?? 1024);
  }

  async tip(): Promise<BlockRef> {
    const height = await this.rpc.blockCount();
    return this.blockRef(height);
  }

  async block(height: number): Promise<ChainBlock> {
    const hash = await this.rpc.blockHash(height);
    const scanned = scanBlock(await this.rpc.blockRaw(hash), this.scripts, this.utxos);
    const transfers: ChainTransfer[] = [];
    const created: [string, CustodyUtxo][] = [];
    const received: ChainTransfer[] = [];
    for (const o of scanned.outputs) {
      const address = this.addressOf(o.script);
      received.push({ txid: o.txid, index: String(o.vout), address, asset: 'BTC', amount: o.value, script: o.script });
      const witnessScript = this.witnessScripts.get(o.script);
      if (witnessScript)
        created.push([
          outpointKey(o.txid, o.vout),
          { txid: o.txid, vout: o.vout, value: o.value, script: o.script, witnessScript, address, height },
        ]);
    }
    // Spends of outputs created in this same block (a chain mined together) count too.
    const createdHere = new Map(created);
    for (const s of scanned.spends) {
      const u = this.utxos.get(s.outpoint) ?? createdHere.get(s.outpoint);
      if (!u) continue;
      transfers.push({
        txid: s.txid,
        index: `vin:${s.vin}`,
        address: u.address,
        asset: 'BTC',
        amount: -u.value,
        script: u.script,
      });
    }
    transfers.push(...received);
    this.utxos.apply(
      height,
      scanned.hash,
      created,
      scanned.spends.map((s) => s.outpoint),
    );
    return { height, hash: scanned.hash, parentHash: scanned.parentHash, time: scanned.time, transfers };
  }

  /** Outputs to watched scripts among the mempool's transactions (each transaction fetched once). */
  async mempool(): Promise<ChainTransfer[]> {
    const txids = new Set(await this.rpc.rawMempool());
    for (const seen of this.mempoolSeen.keys()) if (!txids.has(seen)) this.mempoolSeen.delete(seen);
    for (const txid of txids) {
      if (this.mempoolSeen.has(txid)) continue;
      let raw: Buffer;
      try {
        raw = await this.rpc.rawTransaction(txid);
      } catch {
        continue; // left the mempool meanwhile
      }
      const tx = Transaction.fromBuffer(raw);
      const found: ChainTransfer[] = [];
      tx.outs.forEach((out, vout) => {
        if (!this.scripts.has(out.script)) return;
        const script = Buffer.from(out.script).toString('hex');
        found.push({
          txid,
          index: String(vout),
          address: this.addressOf(script),
          asset: 'BTC',
          amount: out.value,
          script,
        });
      });
      this.mempoolSeen.set(txid, found);
    }
    return [...this.mempoolSeen.values()].flat();
  }

  watch(addresses: WatchedAddress[]): void {
    for (const a of addresses) {
      let script = a.script;
      if (!script) {
        const decoded = decodeAddress(a.address, this.network);
        if (!decoded.ok)
          throw domainError(addressRefusal(decoded.code), `cannot watch ${a.address}: ${decoded.reason}`, {
            address: a.address,
          });
        script = decoded.script.toString('hex');
      }
      if (a.derivation) {
        if (custodyScriptPubKey(Buffer.from(a.derivation, 'hex')).toString('hex') !== script.toLowerCase()) {
          throw domainError(
            ChainErrors['bitcoin.derivation_mismatch'],
            `the witness script given for ${a.address} does not hash to its script`,
            { address: a.address },
          );
        }
        this.witnessScripts.set(script.toLowerCase(), a.derivation.toLowerCase());
      }
      this.scripts.add(Buffer.from(script, 'hex'));
    }
  }

  /**
   * `tag` is the deposit tag the address belongs to (libs/deposits: `<client>/<user>/<asset>/<index>`);
   * it is hashed into the script's tag (see README), never revealed on chain.
   */
  deriveDepositAddress(wallet: CustodyWallet, tag: string): DerivedAddress {
    return deriveCustodyAddress(wallet, tag, this.network);
  }

  /** The wallet's change address: watched like a deposit address, and the only change a withdrawal may pay. */
  changeAddress(wallet: CustodyWallet): DerivedAddress {
    return deriveCustodyAddress(wallet, changeAccount(wallet.id), this.network);
  }

  validateAddress(address: string): AddressCheck {
    return validateAddress(address, this.network);
  }

  /** Custody outputs known from the blocks read (and any loaded), confirmed or not. */
  custodyUtxos(): CustodyUtxo[] {
    return this.utxos.all();
  }

  /** Seeds the custody UTXO set (e.g. from persisted deposits after a restart). */
  loadUtxos(utxos: CustodyUtxo[]): void {
    this.utxos.load(utxos.map((u) => [outpointKey(u.txid, u.vout), u]));
  }

  /**
   * `taken`: outpoint keys (`outpointKey`) other batches own — the caller's durable reservations
   * (libs/withdrawals keeps them in the database, one owner per outpoint). The adapter keeps none
   * of its own: a memory map is lost on a crash and not shared by replicas.
   */
  async buildWithdrawal(batch: WithdrawalBatch, opts: { taken?: ReadonlySet<string> } = {}): Promise<UnsignedChainTx> {
    if (batch.outputs.length === 0)
      throw domainError(ChainErrors['withdrawal.empty_batch'], 'a batch needs at least one output', {});
    const targets = batch.outputs.map((o) => {
      if (o.asset !== 'BTC')
        throw domainError(ChainErrors['withdrawal.wrong_asset'], `withdrawal ${o.ref} is in ${o.asset}, not BTC`, {
          ref: o.ref,
        });
      const check = validateAddress(o.address, this.network);
      if (!check.ok)
        throw domainError(addressRefusal(check.code), `withdrawal ${o.ref}: ${check.reason}`, {
          ref: o.ref,
          address: o.address,
        });
      const script = decodeAddress(check.normalized, this.network);
      if (!script.ok) throw new Error('unreachable');
      if (o.amount <= 0n)
        throw domainError(ChainErrors['withdrawal.bad_amount'], `withdrawal ${o.ref} pays ${o.amount}`, { ref: o.ref });
      const dust = dustThreshold(script.script);
      if (o.amount < dust)
        throw domainError(
          ChainErrors['withdrawal.dust_output'],
          `withdrawal ${o.ref} pays ${o.amount} sat, below the ${dust} sat dust limit`,
          { ref: o.ref },
        );
      return { script: script.script, value: o.amount };
    });
    const estimate =
      batch.fee?.feeRate === undefined
        ? await this.rpc.estimateFeeRate(this.config.feeRate.confirmationTarget ?? 6).catch(() => undefined)
        : undefined;
    const feeRate = feeRatePolicy(batch.fee?.feeRate, estimate, this.config.feeRate.default, this.config.feeRate);

    const change = this.changeAddress(batch.wallet);
    let spendable = await this.spendableUtxos(batch.wallet, opts.taken ?? new Set());
    const changeSpec = {
      script: Buffer.from(change.locator, 'hex'),
      witnessScriptLength: change.derivation.length / 2,
      threshold: batch.wallet.threshold,
    };
    let selection = selectCoins(spendable, targets, changeSpec, feeRate);
    // The node has the last word: an input already spent (by a transaction from outside, or one the
    // reservations do not know about) is dropped and the selection made again.
    for (;;) {
      const gone = new Set<string>();
      for (const u of selection.inputs)
        if (!(await this.rpc.isUnspent(u.txid, u.vout))) gone.add(outpointKey(u.txid, u.vout));
      if (gone.size === 0) break;
      spendable = spendable.filter((u) => !gone.has(outpointKey(u.txid, u.vout)));
      selection = selectCoins(spendable, targets, changeSpec, feeRate);
    }
    const outputs =
      selection.change > 0n
        ? [...targets, { script: Buffer.from(change.locator, 'hex'), value: selection.change }]
        : targets;
    const psbt = buildWithdrawalPsbt(selection.inputs, outputs, this.network);
    return {
      chain: 'bitcoin',
      batchId: batch.id,
      payload: psbt.toBase64(),
      digests: inputDigests(psbt).flatMap((d) =>
        d.keys.map((publicKey) => ({
          publicKey,
          digest: d.digest,
          purpose: `input ${d.input} (${selection.inputs[d.input].txid}:${selection.inputs[d.input].vout})`,
        })),
      ),
      fee: selection.fee,
    };
  }

  checkIntent(unsigned: UnsignedChainTx, batch: WithdrawalBatch): void {
    checkWithdrawalIntent(unsigned, batch.outputs, {
      network: this.network,
      threshold: batch.wallet.threshold,
      publicKeys: batch.wallet.publicKeys,
      changeScript: this.changeAddress(batch.wallet).locator,
      maxFeeRate: this.config.feeRate.max,
    });
  }

  async finalize(unsigned: UnsignedChainTx, signatures: DigestSignature[]): Promise<SignedChainTx> {
    const psbt = Psbt.fromBase64(unsigned.payload, { network: bitcoinNetwork(this.network) });
    const { txid, raw } = finalizeWithdrawal(psbt, signatures);
    return { chain: 'bitcoin', batchId: unsigned.batchId, txid, raw };
  }

  async broadcast(signed: SignedChainTx): Promise<{ txid: string; alreadyKnown: boolean }> {
    try {
      const txid = await this.rpc.sendRawTransaction(signed.raw);
      return { txid, alreadyKnown: false };
    } catch (err) {
      const e = err as { code?: number; message: string };
      // -27: already in the chain; Core < 0.21 and some nodes answer "already in mempool/known" as errors.
      if (e.code === -27 || /already (in|known)|txn-already/i.test(e.message))
        return { txid: signed.txid, alreadyKnown: true };
      if (e.code !== undefined && e.code < 0) {
        throw domainError(ChainErrors['bitcoin.broadcast_rejected'], `the node refused the transaction: ${e.message}`, {
          txid: signed.txid,
          rpcCode: e.code,
        });
      }
      throw err;
    }
  }

  async status(txid: string): Promise<TxStatus> {
    try {
      const info = await this.rpc.transactionInfo(txid);
      if (!info.blockhash) return { state: 'mempool' };
      const header = await this.rpc.blockHeader(info.blockhash);
      if (header.confirmations < 1) return { state: 'unknown' }; // in a block that left the best chain
      return {
        state: 'confirmed',
        height: header.height,
        blockHash: info.blockhash,
        confirmations: header.confirmations,
      };
    } catch (err) {
      const code = (err as { code?: number }).code;
      if (code === -5 || code === -8 || code === -1) return { state: 'unknown' };
      throw err;
    }
  }

  private async blockRef(height: number): Promise<BlockRef> {
    const hash = await this.rpc.blockHash(height);
    const header = await this.rpc.blockHeaderRaw(hash);
    return {
      height,
      hash,
      parentHash: Buffer.from(header.subarray(4, 36)).reverse().toString('hex'),
      time: header.readUInt32LE(68),
    };
  }

  private addressOf(script: string): string {
    try {
      return baddress.fromOutputScript(Buffer.from(script, 'hex'), bitcoinNetwork(this.network));
    } catch {
      return `script:${script}`;
    }
  }

  private async spendableUtxos(wallet: CustodyWallet, taken: ReadonlySet<string>): Promise<CustodyUtxo[]> {
    const tip = await this.rpc.blockCount();
    const minConf = this.config.minInputConfirmations ?? 1;
    const keys = sortedKeys(wallet.publicKeys)
      .map((k) => k.toString('hex'))
      .join();
    return this.utxos.all().filter((u) => {
      if (u.height < 0 || tip - u.height + 1 < minConf || taken.has(outpointKey(u.txid, u.vout))) return false;
      const parts = parseCustodyWitnessScript(Buffer.from(u.witnessScript, 'hex'));
      return (
        !!parts && parts.threshold === wallet.threshold && parts.keys.map((k) => k.toString('hex')).join() === keys
      );
    });
  }
}
