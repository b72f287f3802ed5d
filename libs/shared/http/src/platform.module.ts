import { Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { APP_FILTER, APP_INTERCEPTOR } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { ThrottlerModule } from '@nestjs/throttler';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { parseEnv, platformEnv } from '@strongroom/shared-config';
import { ContractInputInterceptor } from './contract/contract-input.interceptor';
import { HealthController } from './health.controller';
import { APP_NAME, HttpMetricsMiddleware, MetricsController } from './metrics';
import { ProblemFilter } from './problem.filter';
import { RateLimitGuard, rateLimitOptions } from './rate-limit';
import { SharedRateLimitStorage } from './rate-limit-storage';
import { ReadinessChecks } from './readiness';
import { assignRequestId, requestIdOf } from './request-id';

export interface PlatformOptions {
  /**
   * Requests a minute per API key (per client IP on public routes); 0 = unlimited. Default: the
   * environment's RATE_LIMIT_PER_MINUTE, else DEFAULT_RATE_LIMIT_PER_MINUTE.
   */
  rateLimitPerMinute?: number;
  /**
   * Redis holding the rate-limit counters, shared by the app's replicas. Default: the environment's
   * RATE_LIMIT_REDIS_URL, else none (each process counts for itself, in memory).
   */
  rateLimitRedisUrl?: string;
  /** Where the JSON log lines go (default stdout); tests read them from here. */
  logStream?: DestinationStream;
  /** pino level (default LOG_LEVEL, else info). */
  logLevel?: string;
}

/**
 * What every Strongroom app has: JSON logs carrying the request id, problem+json errors, /health
 * (live, ready with the app's readiness checks) and /metrics, and the per-key rate limiter the
 * authentication guard applies. Global, so the app's modules can register readiness checks.
 */
@Module({})
export class PlatformModule implements NestModule {
  static forApp(app: string, options: PlatformOptions = {}): DynamicModule {
    const env = parseEnv(platformEnv);
    const perMinute = options.rateLimitPerMinute ?? env.RATE_LIMIT_PER_MINUTE;
    const redisUrl = options.rateLimitRedisUrl ?? env.RATE_LIMIT_REDIS_URL;
    const pinoHttp = {
      name: app,
      level: options.logLevel ?? process.env.LOG_LEVEL ?? 'info',
      // Request bodies may carry addresses and amounts; signatures must never reach logs.
      redact: ['req.headers.authorization', 'req.headers["x-strongroom-signature"]', 'req.headers["x-strongroom-key"]'],
      // The id the caller sent (if acceptable) or a new one; the same on the response and in problems.
      genReqId: assignRequestId,
      // Every line of the request, the handler's own included, carries it as a top-level field.
      customProps: (req: Parameters<typeof requestIdOf>[0]) => ({ requestId: requestIdOf(req) }),
      autoLogging: { ignore: (req: { url?: string }) => req.url === '/health' || req.url === '/metrics' },
    };
    return {
      module: PlatformModule,
      global: true,
      imports: [
        LoggerModule.forRoot({ pinoHttp: options.logStream ? [pinoHttp, options.logStream] : pinoHttp }),
        // Probes run every few seconds: a failing check is answered in the 503, not logged each time.
        TerminusModule.forRoot({ logger: false }),
        ThrottlerModule.forRoot({
          ...rateLimitOptions(perMinute),
          ...(redisUrl && perMinute > 0 ? { storage: new SharedRateLimitStorage(redisUrl) } : {}),
        }),
      ],
      controllers: [HealthController, MetricsController],
      providers: [
        { provide: APP_FILTER, useClass: ProblemFilter },
        // Every request parsed with its operation's contract before its handler runs.
        { provide: APP_INTERCEPTOR, useClass: ContractInputInterceptor },
        { provide: APP_NAME, useValue: app },
        HttpMetricsMiddleware,
        ReadinessChecks,
        RateLimitGuard,
      ],
      exports: [ReadinessChecks, RateLimitGuard],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*');
  }
}
