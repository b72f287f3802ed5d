import { Logger, type OnModuleDestroy } from '@nestjs/common';
import { ThrottlerStorageService, type ThrottlerStorage } from '@nestjs/throttler';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { Counter } from 'prom-client';
import { metricsRegistry } from './metrics';

type Record = Awaited<ReturnType<ThrottlerStorage['increment']>>;

export const rateLimitStorageErrors = new Counter({
  name: 'strongroom_rate_limit_storage_errors_total',
  help: 'Requests counted in process memory because the shared rate-limit store (Redis) did not answer',
  registers: [metricsRegistry],
});

/**
 * The rate-limit counters in Redis, shared by every replica of an app, so N replicas allow the
 * limit once rather than N times. When Redis does not answer, the request is counted in this
 * process's memory instead (fail open, warned at most once a minute and counted): a store outage
 * must not turn into every request failing.
 */
export class SharedRateLimitStorage implements ThrottlerStorage, OnModuleDestroy {
  private readonly logger = new Logger('RateLimit');
  private readonly redis: ThrottlerStorageRedisService;
  private readonly memory = new ThrottlerStorageService();
  private lastWarning = 0;

  constructor(url: string) {
    // No offline queue and one retry: a down Redis answers an error at once instead of holding requests.
    this.redis = new ThrottlerStorageRedisService(url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      connectTimeout: 1_000,
    });
    this.redis.redis.on('error', () => undefined);
  }

  async increment(key: string, ttl: number, limit: number, blockDuration: number, name: string): Promise<Record> {
    try {
      return await this.redis.increment(key, ttl, limit, blockDuration, name);
    } catch (err) {
      rateLimitStorageErrors.inc();
      if (Date.now() - this.lastWarning > 60_000) {
        this.lastWarning = Date.now();
        this.logger.warn(`rate-limit store unavailable, counting in memory: ${(err as Error).message}`);
      }
      return this.memory.increment(key, ttl, limit, blockDuration, name);
    }
  }

  onModuleDestroy(): void {
    this.redis.onModuleDestroy();
    this.memory.onApplicationShutdown();
  }
}
