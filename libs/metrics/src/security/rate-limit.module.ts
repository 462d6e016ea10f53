import { Inject, Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { rateLimit } from 'express-rate-limit';
import { JsonOnlyMiddleware } from './json-only.middleware.js';

/**
 * Requests per client IP and window on the module's routes only (the host's routes are the host's business).
 * It runs before authentication, so guessing tokens is limited too.
 */
const RATE_LIMIT = Symbol('METRICS_RATE_LIMIT');

interface RateLimitSettings {
  prefix: string;
  limit: { limit: number; ttlMs: number } | false;
}

@Module({})
export class RateLimitModule implements NestModule {
  constructor(@Inject(RATE_LIMIT) private readonly settings: RateLimitSettings) {}

  static forRoutes(prefix: string, limit: RateLimitSettings['limit']): DynamicModule {
    return { module: RateLimitModule, providers: [{ provide: RATE_LIMIT, useValue: { prefix, limit } }] };
  }

  configure(consumer: MiddlewareConsumer): void {
    const settings = this.settings;
    // Not a rate limit, but the same "module routes only" middleware slot: bodies must be JSON (415 otherwise).
    consumer.apply(JsonOnlyMiddleware).forRoutes(`${settings.prefix}/*path`);
    if (settings.limit === false) return;
    const { limit, ttlMs } = settings.limit;
    consumer
      .apply(
        rateLimit({
          windowMs: ttlMs,
          limit,
          standardHeaders: 'draft-8',
          legacyHeaders: false,
          handler: (_request, response) => {
            response.status(429).json({
              statusCode: 429,
              error: 'Too Many Requests',
              message: `At most ${limit} requests per ${Math.round(ttlMs / 1000)} s on the metrics routes; retry later`,
            });
          },
        }),
      )
      .forRoutes(`${settings.prefix}/*path`);
  }
}
