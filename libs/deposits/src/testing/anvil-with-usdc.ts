import { EthereumAdapter, type EthereumAdapterConfig } from '@strongroom/chains-ethereum';
import { startAnvil, type Anvil } from '@strongroom/local-services/anvil';

export interface AnvilWithUsdc {
  anvil: Anvil;
  /** The USDC token contract deployed on the node. */
  usdc: string;
  /** A new adapter to the node (by default it knows USDC), closed when the suite ends. */
  adapter(tokens?: EthereumAdapterConfig['tokens']): EthereumAdapter;
}

/**
 * A suite's anvil node with a USDC token deployed (and `mint` minted to its first account),
 * stopped after the suite together with every adapter opened through it. Call it at the top of a
 * spec file; the returned getter works from the suite's beforeAll on.
 */
export function anvilWithUsdc(mint = 0n): () => AnvilWithUsdc {
  let node: AnvilWithUsdc | undefined;
  const opened: EthereumAdapter[] = [];
  beforeAll(async () => {
    const anvil = await startAnvil();
    const usdc = await anvil.deployToken({ symbol: 'USDC', decimals: 6 });
    if (mint > 0n) await anvil.mintToken(usdc, anvil.accounts[0], mint);
    const adapter = (tokens = [{ asset: 'USDC', address: usdc }]) => {
      const a = new EthereumAdapter({ rpcUrl: anvil.rpcUrl, network: 'anvil', chainId: anvil.chainId, tokens });
      opened.push(a);
      return a;
    };
    node = { anvil, usdc, adapter };
  });
  afterAll(async () => {
    for (const a of opened) a.close();
    await node?.anvil.stop();
  });
  return () => {
    if (!node) throw new Error('anvil not started yet');
    return node;
  };
}
