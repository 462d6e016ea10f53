import { Inject, Module, type DynamicModule, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import type { Request, Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import { JsonOnlyMiddleware } from './json-only.middleware.js';
import { callerKey, clientIp } from './rate-limit-keys.js';

/**
 * Requests per caller and window on the module's routes only (the host's routes are the host's business): per
 * token, signed-in user or session, per IP for anonymous callers (rate-limit-keys.ts). Unauthenticated answers
 * (401) are also counted per client IP, with their own smaller budget, so that guessing tokens (a new token per
 * request is a new caller) stays bounded.
 */
const RATE_LIMIT = Symbol('METRICS_RATE_LIMIT');

interface RateLimitSettings {
  prefix: string;
  limit: { limit: number; ttlMs: number; authFailures?: number } | false;
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
    const { limit, ttlMs, authFailures = limit } = settings.limit;
    const seconds = Math.round(ttlMs / 1000);
    const refuse = (message: string) => (_request: Request, response: Response) => {
      response.status(429).json({ statusCode: 429, error: 'Too Many Requests', message });
    };
    consumer
      .apply(
        rateLimit({
          windowMs: ttlMs,
          limit: authFailures,
          identifier: 'auth-failures',
          keyGenerator: clientIp,
          // Only refusals for missing or wrong credentials count against the address.
          skipSuccessfulRequests: true,
          requestWasSuccessful: (_request, response) => response.statusCode !== 401,
          standardHeaders: false,
          legacyHeaders: false,
          validate: { keyGeneratorIpFallback: false },
          handler: refuse(
            `Too many failed authentications from this address (${authFailures} per ${seconds} s); retry later`,
          ),
        }),
        rateLimit({
          windowMs: ttlMs,
          limit,
          identifier: 'caller',
          keyGenerator: callerKey,
          standardHeaders: 'draft-8',
          legacyHeaders: false,
          validate: { keyGeneratorIpFallback: false },
          handler: refuse(`At most ${limit} requests per ${seconds} s per caller on the metrics routes; retry later`),
        }),
      )
      .forRoutes(`${settings.prefix}/*path`);
  }
}
