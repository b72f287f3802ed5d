import { Inject, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Database } from '@strongroom/persistence';
import { startHttpApp } from './bootstrap';
import { DATABASE, DatabaseModule } from './database.module';
import { PlatformModule } from './platform.module';
import { stopWithin } from './shutdown';

// What happened, in order: the worker's step, its commit, the worker's stop, the database closing.
const order: string[] = [];
const latch = { reached: (): void => undefined, release: (): void => undefined };

/** A worker as the context modules run theirs: started on bootstrap, stopped in a shutdown hook. */
class HeldWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private loop: Promise<void> | null = null;
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  onApplicationBootstrap(): void {
    const released = new Promise<void>((r) => (latch.release = r));
    // PGlite has one session, held by the step's transaction: the table is made before it.
    this.loop = this.db
      .query(`CREATE TABLE shutdown_probe (step text)`)
      .then(() =>
        this.db.transaction(async (tx) => {
          latch.reached();
          await released;
          await tx.query(`INSERT INTO shutdown_probe (step) VALUES ('held')`);
        }),
      )
      .then(
        () => void order.push('step committed'),
        (e: Error) => void order.push(`step failed: ${e.message}`),
      );
  }

  async onApplicationShutdown(): Promise<void> {
    order.push(`worker stopped: ${await stopWithin('held worker', this.loop, 120_000)}`);
  }
}

@Module({
  imports: [PlatformModule.forApp('shutdown'), DatabaseModule.forRoot({ memory: true })],
  providers: [HeldWorker],
})
class WorkerApp {}

// The order an app closes in: HTTP drained, then every context module's workers end their current
// step, and the (global) DatabaseModule closes the database last, so no step loses it underneath.
describe('shutdown of an app with a worker in a step', () => {
  it('closes the database only after the step in progress committed', async () => {
    const reached = new Promise<void>((r) => (latch.reached = r));
    const { app } = await startHttpApp(WorkerApp, {
      name: 's',
      title: 's',
      description: 's',
      port: 0,
      shutdownHooks: false,
    });
    const db = app.get<Database>(DATABASE);
    const close = db.close.bind(db);
    db.close = async () => {
      order.push('database closed');
      await close();
    };
    await reached;
    const closed = app.close();
    await new Promise((r) => setTimeout(r, 300));
    order.push('step released');
    latch.release();
    await closed;
    expect(order).toEqual(['step released', 'step committed', 'worker stopped: stopped', 'database closed']);
  });
});
