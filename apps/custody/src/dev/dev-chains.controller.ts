import { Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Roles } from '@strongroom/api-auth';
import { ChainErrors, type ChainAdapter } from '@strongroom/chains-core';
import { ApiContract, BaseUnits, ContractBody } from '@strongroom/shared-http';
import { AmountErrors, displayAmount, domainError, parseBaseUnits } from '@strongroom/shared-types';
import type { Anvil } from '@strongroom/local-services/anvil';
import type { BitcoinRegtest } from '@strongroom/local-services/bitcoin-regtest';

export const DEV_CHAINS = Symbol('DEV_CHAINS');

export interface DevChains {
  bitcoin: BitcoinRegtest;
  anvil: Anvil;
  adapters: { bitcoin: ChainAdapter; ethereum: ChainAdapter };
  /** The custody Safe that Ethereum deposit addresses are swept into. */
  safe: string;
}

const Mine = z
  .object({ blocks: z.number().int().min(1).max(1000).default(1).meta({ description: 'How many, 1–1000.' }) })
  .strict()
  .default({ blocks: 1 });
// Base units like every other API (satoshi, wei): a faucet that took coins would be the one place "0.5" meant 0.5 BTC.
const Send = z
  .object({
    address: z.string().min(1).max(200),
    amount: z.string().meta({ description: 'Base units (satoshi, wei) as a decimal string; "0.5" is refused.' }),
  })
  .strict();

/** What a faucet answers about the amount it paid: base units, the asset, and a display for people. */
interface Paid {
  amount: string;
  asset: 'BTC' | 'ETH';
  display: { amount: string };
}

const paidFields = {
  amount: BaseUnits,
  asset: z.enum(['BTC', 'ETH']),
  display: z.object({ amount: z.string() }).meta({ description: 'The amount in asset units ("1.5 BTC"), for people.' }),
};
const BitcoinMined = z.object({ height: z.number().int(), hashes: z.array(z.string()) }).meta({ id: 'BitcoinMined' });
const BitcoinPaid = z
  .object({ txid: z.string(), vout: z.number().int(), ...paidFields })
  .meta({ id: 'BitcoinFaucetPayment' });
const EthereumMined = z.object({ height: z.number().int() }).meta({ id: 'EthereumMined' });
const EthereumPaid = z
  .object({ txid: z.string(), height: z.number().int(), ...paidFields })
  .meta({ id: 'EthereumFaucetPayment' });

// An address the adapter refuses is answered 422 here, as the faucet always has (the request APIs say 400).
const FAUCET_ADDRESS_ERRORS = [
  ChainErrors['address.malformed'],
  ChainErrors['address.checksum'],
  ChainErrors['address.wrong_network'],
];
const SEND_ERRORS = [
  AmountErrors['amount.base_units_expected'],
  AmountErrors['amount.not_positive'],
  AmountErrors['amount.too_large'],
  ...FAUCET_ADDRESS_ERRORS.map((error) => ({ ...error, status: 422 })),
];

const paid = (amount: bigint, asset: 'BTC' | 'ETH', decimals: number): Paid => ({
  amount: amount.toString(),
  asset,
  display: { amount: displayAmount(amount, decimals, asset) },
});

function checkedAddress(adapter: ChainAdapter, address: string): string {
  const check = adapter.validateAddress(address);
  // `address.refused` means "one of ours": paying our own custody is exactly what a faucet is for.
  // Any other refusal is answered 422, as the faucet always has (the request APIs say 400).
  if (!check.ok && check.code !== ChainErrors['address.refused'].code)
    throw domainError({ ...ChainErrors[check.code], status: 422 }, check.reason, { address });
  return check.ok ? check.normalized : address;
}

/**
 * Development chains only, mounted by the embedded custody app and nowhere else: a faucet and a
 * miner for the local bcoin regtest node and anvil, so a walkthrough can make deposits and move
 * blocks over the same signed API. Admin only.
 */
@ApiTags('dev chains (embedded default only)')
@Roles('admin')
@Controller('v1/dev')
export class DevChainsController {
  constructor(@Inject(DEV_CHAINS) private readonly chains: DevChains) {}

  @Post('bitcoin/mine')
  @HttpCode(200)
  @ApiContract({
    summary: 'Mine regtest blocks',
    description: 'Mines `blocks` (default 1) with whatever is in the mempool; answers the new height and hashes.',
    body: Mine,
    responses: { 200: BitcoinMined },
  })
  async mineBitcoin(@ContractBody() { blocks }: z.infer<typeof Mine>): Promise<{ height: number; hashes: string[] }> {
    const hashes = await this.chains.bitcoin.mine(blocks);
    return { height: this.chains.bitcoin.height(), hashes };
  }

  @Post('bitcoin/send')
  @HttpCode(200)
  @ApiContract({
    summary: 'Pay regtest BTC from the faucet',
    description:
      'Pays `amount` satoshi (`"50000000"`; `"0.5"` → 400 `amount.base_units_expected`) to `address`; it lands in ' +
      'the mempool: mine to confirm. Our own custody addresses are accepted (that is what a faucet is for).',
    body: Send,
    responses: { 200: BitcoinPaid },
    errors: SEND_ERRORS,
  })
  async sendBitcoin(@ContractBody() input: z.infer<typeof Send>): Promise<{ txid: string; vout: number } & Paid> {
    const sats = parseBaseUnits(input.amount);
    const address = checkedAddress(this.chains.adapters.bitcoin, input.address);
    const sent = await this.chains.bitcoin.fund(address, sats);
    return { txid: sent.txid, vout: sent.vout, ...paid(sats, 'BTC', 8) };
  }

  @Post('ethereum/mine')
  @HttpCode(200)
  @ApiContract({
    summary: 'Mine empty anvil blocks',
    description: 'Mines `blocks` (default 1); answers the new height.',
    body: Mine,
    responses: { 200: EthereumMined },
  })
  async mineEthereum(@ContractBody() { blocks }: z.infer<typeof Mine>): Promise<{ height: number }> {
    await this.chains.anvil.mine(blocks);
    return { height: await this.chains.anvil.height() };
  }

  @Post('ethereum/send')
  @HttpCode(200)
  @ApiContract({
    summary: 'Send anvil ETH from a dev account',
    description:
      'Pays `amount` wei (`"1500000000000000000"`; `"1.5"` → 400 `amount.base_units_expected`) to `address`, mined ' +
      'at once.',
    body: Send,
    responses: { 200: EthereumPaid },
    errors: SEND_ERRORS,
  })
  async sendEthereum(@ContractBody() input: z.infer<typeof Send>): Promise<{ txid: string; height: number } & Paid> {
    const wei = parseBaseUnits(input.amount);
    const address = checkedAddress(this.chains.adapters.ethereum, input.address);
    const txid = await this.chains.anvil.sendEth(address, wei);
    return { txid, height: await this.chains.anvil.height(), ...paid(wei, 'ETH', 18) };
  }
}
