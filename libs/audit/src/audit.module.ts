import { Module } from '@nestjs/common';
import type { Database } from '@strongroom/persistence';
import { DATABASE } from '@strongroom/shared-http';
import { AuditLog } from './audit-log';

/** Provides `AuditLog` over the app's `Database` (token DATABASE from @strongroom/shared-http). */
@Module({
  providers: [{ provide: AuditLog, inject: [DATABASE], useFactory: (db: Database) => new AuditLog(db) }],
  exports: [AuditLog],
})
export class AuditModule {}
