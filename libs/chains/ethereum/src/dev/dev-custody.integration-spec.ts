import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { KmsSigner } from '@strongroom/keys';
import { startAnvil } from '@strongroom/local-services/anvil';
import { startKmsLocal } from '@strongroom/local-services/kms';
import { setupEthereumCustody } from './dev-custody';

describe('dev custody bootstrap (what the embedded default runs on its local chain)', () => {
  it('survives an anvil restart from its state file: same Safe, same funds, nothing redeployed', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'eth-dev-'));
    const stateFile = path.join(dir, 'anvil.json');
    const kms = await startKmsLocal({ dataDir: path.join(dir, 'kms') });
    const signer = new KmsSigner(kms.config);
    try {
      const keys = {
        owners: await Promise.all([1, 2, 3].map(() => kms.createSigningKey())),
        relayer: await kms.createSigningKey(),
        threshold: 2,
      };
      const first = await startAnvil({ stateFile });
      const a = await setupEthereumCustody(first, signer, keys);
      await first.fund(a.safe, 5n);
      const height = await first.height();
      a.adapter.close();
      await first.stop();

      const second = await startAnvil({ stateFile });
      try {
        const b = await setupEthereumCustody(second, signer, keys);
        expect(b.safe).toBe(a.safe);
        expect(await second.height()).toBe(height); // no second deployment transaction
        expect(await second.balance(b.safe)).toBe(5n);
        b.adapter.close();
      } finally {
        await second.stop();
      }
    } finally {
      signer.destroy();
      await kms.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
