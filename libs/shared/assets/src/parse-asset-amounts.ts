import { parseAssetUnits } from '@strongroom/shared-types';
import type { AssetRegistry } from './assets';

/**
 * Reads `ASSET:amount` pairs in decimal units (`ETH:0.05,USDC:100`, the form configuration takes)
 * into base units per asset. Every asset must be served by the registry and every amount must fit
 * its decimals; anything else throws, naming the pair, so a typo fails at start.
 */
export function parseAssetAmounts(text: string, assets: AssetRegistry, what = 'amounts'): Record<string, bigint> {
  const out: Record<string, bigint> = {};
  for (const pair of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^([A-Za-z0-9]{1,16})\s*:\s*(\S+)$/.exec(pair);
    if (!m) throw new Error(`${what}: "${pair}" is not ASSET:amount`);
    const [, code, amount] = m;
    if (!assets.has(code)) throw new Error(`${what}: asset ${code} is not served by this deployment`);
    if (code in out) throw new Error(`${what}: asset ${code} is given twice`);
    try {
      out[code] = parseAssetUnits(amount, assets.get(code).decimals);
    } catch (err) {
      throw new Error(`${what}: "${pair}": ${(err as Error).message}`);
    }
  }
  return out;
}
