import { Module, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import type { Database } from '@strongroom/persistence';
import { DATABASE } from '@strongroom/shared-http';
import { AuditLog } from './audit-log';
import { AuditChainer } from './chain/audit-chainer';

class ChainerLifecycle implements OnApplicationBootstrap, OnModuleDestroy {
  constructor(private readonly chainer: AuditChainer) {}
  onApplicationBootstrap(): void {
    this.chainer.start();
  }
  // Before any shutdown hook, so the round in progress ends before the database closes.
  async onModuleDestroy(): Promise<void> {
    await this.chainer.stop();
  }
}

/**
 * Provides `AuditLog` over the app's `Database` (token DATABASE from @strongroom/shared-http) and
 * runs the `AuditChainer` while the app runs: every app that writes entries takes part in
 * linking them (one leads at a time).
 */
@Module({
  providers: [
    { provide: AuditLog, inject: [DATABASE], useFactory: (db: Database) => new AuditLog(db) },
    { provide: AuditChainer, inject: [DATABASE], useFactory: (db: Database) => new AuditChainer(db) },
    { provide: ChainerLifecycle, inject: [AuditChainer], useFactory: (c: AuditChainer) => new ChainerLifecycle(c) },
  ],
  exports: [AuditLog, AuditChainer],
})
export class AuditModule {}
