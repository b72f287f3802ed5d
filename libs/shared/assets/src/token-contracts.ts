import type { ChainId } from '@strongroom/shared-types';
import type { AssetInfo, AssetRegistry } from './assets';

/** A token a chain adapter moves: the asset's code and its contract on the adapter's network. */
export interface TokenContract {
  asset: string;
  address: string;
}

const CONTRACT = /^0x[0-9a-fA-F]{40}$/;

/**
 * The token contracts of `chain`'s non-native assets on `network`, read from the registry: what
 * the adapter of a deployment on that network is built with (EthereumAdapter `tokens`). An asset
 * with no contract there is left out, and that adapter refuses it.
 */
export function tokenContracts(assets: AssetRegistry, chain: ChainId, network: string): TokenContract[] {
  return assets
    .onChain(chain)
    .flatMap((a) => (!a.native && a.contracts?.[network] ? [{ asset: a.code, address: a.contracts[network] }] : []));
}

/**
 * Reads `ASSET:0xContract` pairs (`USDC:0xA0b8…,DAI:0x6B17…`, comma-separated like the other
 * per-asset settings) and returns the registry with those contracts set on `network`, replacing
 * what it lists there. Only tokens the registry already serves on `chain` are taken: their
 * decimals come from the registry, never from a guess. Anything else throws, naming the pair.
 */
export function withTokenContracts(
  assets: AssetRegistry,
  chain: ChainId,
  network: string,
  text: string | undefined,
  what = 'token contracts',
): AssetRegistry {
  const given = new Map<string, string>();
  for (const pair of (text ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^([A-Za-z0-9]{1,16})\s*:\s*(\S+)$/.exec(pair);
    if (!m || !CONTRACT.test(m[2])) throw new Error(`${what}: "${pair}" is not ASSET:0x<40 hex digits>`);
    const [, code, address] = m;
    if (!assets.has(code)) throw new Error(`${what}: asset ${code} is not served by this deployment`);
    const info = assets.get(code);
    if (info.chain !== chain || info.native) throw new Error(`${what}: ${code} is not a token on ${chain}`);
    if (given.has(code)) throw new Error(`${what}: asset ${code} is given twice`);
    given.set(code, address);
  }
  if (given.size === 0) return assets;
  const next = assets.withAssets(
    [...given].map(([code, address]): Partial<AssetInfo> => ({
      code,
      contracts: { ...assets.get(code).contracts, [network]: address },
    })),
  );
  // One contract, one asset: the adapter maps Transfer logs back to assets by contract.
  const seen = new Map<string, string>();
  for (const t of tokenContracts(next, chain, network)) {
    const other = seen.get(t.address.toLowerCase());
    if (other) throw new Error(`${what}: ${other} and ${t.asset} have the same contract ${t.address} on ${network}`);
    seen.set(t.address.toLowerCase(), t.asset);
  }
  return next;
}
