import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { startAnvil, type Anvil } from '@strongroom/local-services/anvil';
import { ETHEREUM_ANCHOR, anchorPayload } from '@strongroom/proof-verifier';
import { runCli, specDir, v2Published } from '../testing/cli-output';
import { ANCHOR_EXIT, runAnchor, runEquivocation } from './proof-anchor.command';

const published = v2Published();
const dir = specDir('proof-anchor-cli');

async function capture(run: (out: (l: string) => void, err: (l: string) => void) => Promise<number>) {
  const lines: string[] = [];
  const code = await run(
    (l) => lines.push(l),
    (l) => lines.push(l),
  );
  return { code, output: lines.join('\n') };
}

/** `strongroom proof anchor` and `proof equivocation` against anvil (an unlocked account stands in for the relayer). */
describe('strongroom proof anchor / equivocation on anvil', () => {
  let anvil: Anvil;
  let relayer: string;
  let doc: string;
  let firstTx: string;

  const anchor = async (root: string) => {
    const hash = await anvil.rpc<string>('eth_sendTransaction', [
      { from: relayer, to: relayer, value: '0x0', data: anchorPayload(published.snapshotId, root) },
    ]);
    await anvil.waitMined(hash);
    return hash;
  };

  beforeAll(async () => {
    anvil = await startAnvil();
    relayer = anvil.accounts[1];
    firstTx = await anchor(published.root);
    doc = path.join(dir, 'root.json');
    const attestation = { type: ETHEREUM_ANCHOR, chainId: Number(anvil.chainId), relayer, txHash: firstTx };
    writeFileSync(doc, JSON.stringify({ ...published, attestations: [attestation] }));
  }, 120_000);
  afterAll(async () => {
    await anvil?.stop();
  });

  it('checks the anchor the document records, against the relayer given', async () => {
    const rpc = anvil.rpcUrl;
    expect(await capture((o, e) => runAnchor(doc, { rpc, relayer }, o, e))).toMatchObject({
      code: ANCHOR_EXIT.valid,
      output: expect.stringContaining(`ANCHORED: root ${published.root}`),
    });
    const wrong = await capture((o, e) => runAnchor(doc, { rpc, relayer: anvil.accounts[2] }, o, e));
    expect(wrong).toMatchObject({ code: ANCHOR_EXIT.invalid, output: expect.stringContaining('wrong_sender') });
    const other = await anchor('cd'.repeat(32));
    expect(await capture((o, e) => runAnchor(doc, { rpc, tx: other }, o, e))).toMatchObject({
      code: ANCHOR_EXIT.invalid,
      output: expect.stringContaining('root_mismatch'),
    });
    expect((await capture((o, e) => runAnchor(doc, {}, o, e))).code).toBe(ANCHOR_EXIT.unreadable);
  });

  it('reports the second root through the CLI', async () => {
    const { status, output } = await runCli(['proof', 'equivocation', '--rpc', anvil.rpcUrl, '--relayer', relayer]);
    expect(status).toBe(ANCHOR_EXIT.invalid);
    expect(output).toContain(`EQUIVOCATION: snapshot hash`);
    expect(output).toContain(firstTx);
    const clean = await capture((o, e) => runEquivocation({ rpc: anvil.rpcUrl, relayer: anvil.accounts[3] }, o, e));
    expect(clean.code).toBe(ANCHOR_EXIT.valid);
  });
});
