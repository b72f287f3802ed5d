import type { INestApplication } from '@nestjs/common';
import { startHttpApp } from '@strongroom/shared-http';
import { describeEachBackend } from '@strongroom/testing';
import { startKmsLocal, type KmsLocalHandle } from '@strongroom/local-services/kms';
import { withdrawalSignerContexts, WithdrawalSignerAppModule } from './app.module';

type Report = {
  status: string;
  error?: Record<string, { status: string; message?: string }>;
  details: Record<string, { status: string }>;
};

describeEachBackend('withdrawal signer readiness', { contexts: withdrawalSignerContexts }, (ctx) => {
  let kms: KmsLocalHandle;
  let app: INestApplication;
  let url: string;
  let kmsStopped = false;

  beforeAll(async () => {
    kms = await startKmsLocal();
    ({ app, url } = await startHttpApp(
      WithdrawalSignerAppModule.forRoot({ database: { instance: ctx().db }, kms: kms.config, adapters: [] }),
      { name: 'withdrawal-signer-ready', title: 't', description: 't', port: 0, shutdownHooks: false },
    ));
  });
  afterAll(async () => {
    await app?.close();
    if (!kmsStopped) await kms?.stop();
  });

  it('is ready while the database and KMS answer, and 503 naming kms once KMS is gone, still live', async () => {
    const up = await fetch(`${url}/health/ready`);
    expect(up.status).toBe(200);
    const ok = (await up.json()) as Report;
    expect(ok.status).toBe('ok');
    expect(ok.details).toMatchObject({ database: { status: 'up' }, kms: { status: 'up' } });

    await kms.stop();
    kmsStopped = true;
    const down = await fetch(`${url}/health/ready`);
    expect(down.status).toBe(503);
    const report = (await down.json()) as Report;
    expect(report.status).toBe('error');
    expect(Object.keys(report.error ?? {})).toEqual(['kms']);
    expect(report.error?.['kms']?.status).toBe('down');
    expect(report.details['database']?.status).toBe('up');
    expect((await fetch(`${url}/health/live`)).status).toBe(200);
  });
});
