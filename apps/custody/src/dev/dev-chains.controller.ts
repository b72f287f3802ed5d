import { Body, Controller, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import { Roles } from '@strongroom/api-auth';
import { ChainErrors, type ChainAdapter } from '@strongroom/chains-core';
import { parseWith } from '@strongroom/shared-http';
import { displayAmount, domainError, parseBaseUnits } from '@strongroom/shared-types';
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

const Mine = z.object({ blocks: z.number().int().min(1).max(1000).default(1) }).strict();
// Base units like every other API (satoshi, wei): a faucet that took coins would be the one place "0.5" meant 0.5 BTC.
const Send = z.object({ address: z.string().min(1).max(200), amount: z.string() }).strict();

/** What a faucet answers about the amount it paid: base units, the asset, and a display for people. */
interface Paid {
  amount: string;
  asset: 'BTC' | 'ETH';
  display: { amount: string };
}

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
  @ApiOperation({ summary: 'Mine regtest blocks (with the mempool)', description: 'Body `{ "blocks": 1 }`.' })
  async mineBitcoin(@Body() body: unknown): Promise<{ height: number; hashes: string[] }> {
    const { blocks } = parseWith(Mine, body ?? {});
    const hashes = await this.chains.bitcoin.mine(blocks);
    return { height: this.chains.bitcoin.height(), hashes };
  }

  @Post('bitcoin/send')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Pay regtest BTC from the faucet to an address (lands in the mempool; mine to confirm)',
    description:
      'Body `{ "address": "bcrt1…", "amount": "50000000" }` (satoshi; "0.5" → 400 amount.base_units_expected).',
  })
  async sendBitcoin(@Body() body: unknown): Promise<{ txid: string; vout: number } & Paid> {
    const input = parseWith(Send, body);
    const sats = parseBaseUnits(input.amount);
    const address = checkedAddress(this.chains.adapters.bitcoin, input.address);
    const sent = await this.chains.bitcoin.fund(address, sats);
    return { txid: sent.txid, vout: sent.vout, ...paid(sats, 'BTC', 8) };
  }

  @Post('ethereum/mine')
  @HttpCode(200)
  @ApiOperation({ summary: 'Mine empty anvil blocks', description: 'Body `{ "blocks": 1 }`.' })
  async mineEthereum(@Body() body: unknown): Promise<{ height: number }> {
    const { blocks } = parseWith(Mine, body ?? {});
    await this.chains.anvil.mine(blocks);
    return { height: await this.chains.anvil.height() };
  }

  @Post('ethereum/send')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Send anvil ETH from a dev account (mined at once)',
    description:
      'Body `{ "address": "0x…", "amount": "1500000000000000000" }` (wei; "1.5" → 400 amount.base_units_expected).',
  })
  async sendEthereum(@Body() body: unknown): Promise<{ txid: string; height: number } & Paid> {
    const input = parseWith(Send, body);
    const wei = parseBaseUnits(input.amount);
    const address = checkedAddress(this.chains.adapters.ethereum, input.address);
    const txid = await this.chains.anvil.sendEth(address, wei);
    return { txid, height: await this.chains.anvil.height(), ...paid(wei, 'ETH', 18) };
  }
}
