import 'reflect-metadata';
import { Controller, Get, Module } from '@nestjs/common';
import { openDatabase } from '@strongroom/persistence';
import { startHttpApp } from '../bootstrap';
import { DatabaseModule } from '../database.module';
import { PlatformModule } from '../platform.module';
import { Public } from '../public.decorator';

// A child process for the SIGTERM spec: an app whose /slow answers after SLOW_MS, started with
// signal handling on. It reports its URL and each arrival on stdout, so the parent signals it
// only once every request is in flight.
const SLOW_MS = Number(process.env.SLOW_MS ?? 1500);

@Controller()
class SlowController {
  private arrived = 0;
  @Public()
  @Get('slow')
  async slow(): Promise<{ done: true }> {
    process.stdout.write(`arrived ${++this.arrived}\n`);
    await new Promise((r) => setTimeout(r, SLOW_MS));
    return { done: true };
  }
}

async function main(): Promise<void> {
  const db = await openDatabase({ memory: true });
  @Module({
    imports: [PlatformModule.forApp('sigterm'), DatabaseModule.forInstance(db)],
    controllers: [SlowController],
  })
  class SigtermApp {}
  const { url } = await startHttpApp(SigtermApp, { name: 'sigterm', title: 's', description: 's', port: 0 });
  process.stdout.write(`listening ${url}\n`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
