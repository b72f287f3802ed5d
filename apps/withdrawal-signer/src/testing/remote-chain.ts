// Test fixture: a scripted chain "node" served over HTTP by the test process, so a worker in a
// child process broadcasts to it and the test can SIGKILL that child at the moment the
// transaction reaches the network — before the child records the broadcast.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { IntendedOutput, SignedChainTx, TxStatus } from '@strongroom/chains-core';
import type { ChainId } from '@strongroom/shared-types';
import { ScriptedChainAdapter } from '@strongroom/withdrawals';

export interface ChainNodeServer {
  url: string;
  adapter: ScriptedChainAdapter;
  /** Called with each broadcast after the node has accepted it and before it answers. */
  onAccepted: ((txid: string) => void) | null;
  close(): Promise<void>;
}

export async function startChainNode(chain: ChainId): Promise<ChainNodeServer> {
  const adapter = new ScriptedChainAdapter(chain);
  const node: ChainNodeServer = { url: '', adapter, onAccepted: null, close: async () => undefined };
  const server: Server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      void (async () => {
        try {
          const body = JSON.parse(text || '{}') as {
            signed?: SignedChainTx;
            txid?: string;
            outputs?: (Omit<IntendedOutput, 'amount'> & { amount: string })[];
          };
          let out: unknown;
          if (req.url === '/broadcast' && body.signed) {
            out = await adapter.broadcast(body.signed);
            node.onAccepted?.((out as { txid: string }).txid);
          } else if (req.url === '/status' && body.txid) {
            out = await adapter.status(
              body.txid,
              body.outputs?.map((o) => ({ ...o, amount: BigInt(o.amount) })),
            );
          } else {
            res.writeHead(404).end();
            return;
          }
          res
            .writeHead(200, { 'content-type': 'application/json' })
            .end(JSON.stringify(out, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
        } catch (err) {
          res.writeHead(500).end(String(err));
        }
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  node.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  node.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return node;
}

/** The child's adapter: builds and finalises locally (same code), broadcasts to the test's node. */
export class RemoteScriptedChainAdapter extends ScriptedChainAdapter {
  constructor(
    chain: ChainId,
    private readonly nodeUrl: string,
  ) {
    super(chain);
  }

  override async broadcast(signed: SignedChainTx): Promise<{ txid: string; alreadyKnown: boolean }> {
    return (await this.post('/broadcast', { signed })) as { txid: string; alreadyKnown: boolean };
  }

  override async status(txid: string, outputs?: readonly IntendedOutput[]): Promise<TxStatus> {
    const s = (await this.post('/status', {
      txid,
      outputs: outputs?.map((o) => ({ ...o, amount: o.amount.toString() })),
    })) as TxStatus;
    if (s.state === 'mempool' || s.state === 'unknown') return s;
    const fee = (s as { fee?: string }).fee;
    return { ...s, fee: fee === undefined ? undefined : BigInt(fee) } as TxStatus;
  }

  private async post(path: string, body: unknown): Promise<unknown> {
    const res = await fetch(this.nodeUrl + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`chain node ${path}: ${res.status} ${await res.text()}`);
    return res.json();
  }
}
