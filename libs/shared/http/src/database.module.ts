import { Global, Inject, Module, type DynamicModule, type OnApplicationShutdown } from '@nestjs/common';
import { openDatabase, type Database, type DatabaseOptions } from '@strongroom/persistence';

/** Injection token of the app's `Database`. */
export const DATABASE = Symbol('DATABASE');
export const InjectDatabase = (): ParameterDecorator => Inject(DATABASE);

class DatabaseCloser implements OnApplicationShutdown {
  constructor(
    private readonly db: Database,
    private readonly owned: boolean,
  ) {}
  async onApplicationShutdown(): Promise<void> {
    if (this.owned) await this.db.close();
  }
}

/**
 * Provides the `Database` to every module of an app. `forRoot` opens (and migrates) it and closes
 * it on shutdown; `forInstance` shares one already open (the custody app serves three APIs from one
 * PGlite session).
 */
@Global()
@Module({})
export class DatabaseModule {
  static forRoot(options: DatabaseOptions): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [
        { provide: DATABASE, useFactory: () => openDatabase(options) },
        { provide: DatabaseCloser, inject: [DATABASE], useFactory: (db: Database) => new DatabaseCloser(db, true) },
      ],
      exports: [DATABASE],
    };
  }

  static forInstance(db: Database): DynamicModule {
    return {
      module: DatabaseModule,
      providers: [{ provide: DATABASE, useValue: db }],
      exports: [DATABASE],
    };
  }
}
