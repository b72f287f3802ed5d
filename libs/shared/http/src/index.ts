export * from './bootstrap';
export * from './database.module';
export * from './health.controller';
export * from './metrics';
export * from './platform.module';
export * from './problem.filter';
export * from './public.decorator';
export * from './validate';
