import { Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { HealthController } from './health.controller';
import { APP_NAME, HttpMetricsMiddleware, MetricsController } from './metrics';
import { ProblemFilter } from './problem.filter';

/** What every Strongroom app has: JSON logs, problem+json errors, /health and /metrics. */
@Module({})
export class PlatformModule implements NestModule {
  static forApp(app: string): DynamicModule {
    return {
      module: PlatformModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            name: app,
            level: process.env.LOG_LEVEL ?? 'info',
            // Request bodies may carry addresses and amounts; signatures must never reach logs.
            redact: [
              'req.headers.authorization',
              'req.headers["x-strongroom-signature"]',
              'req.headers["x-strongroom-key"]',
            ],
            autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/metrics' },
          },
        }),
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: APP_FILTER, useClass: ProblemFilter },
        { provide: APP_NAME, useValue: app },
        HttpMetricsMiddleware,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*');
  }
}
