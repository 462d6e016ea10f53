import {
  type CanActivate,
  Controller,
  Get,
  HttpCode,
  Injectable,
  Module,
  NotFoundException,
  Param,
  ServiceUnavailableException,
  UnauthorizedException,
  UseGuards,
} from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { MetricsApiInterceptor, MetricsApiMiddleware } from '@exec-metrics/metrics';

/** A host guard that refuses everyone (interceptors never see these requests; middleware does). */
@Injectable()
class NobodyGuard implements CanActivate {
  canActivate(): boolean {
    throw new UnauthorizedException('nobody may');
  }
}

/** A host's own API: answers, thrown HTTP errors, a thrown plain Error, a 4xx without exception, a slow route. */
@Controller('ops')
export class OpsController {
  @Get('items/:id')
  item(@Param('id') id: string) {
    return { id };
  }

  @Get('slow')
  async slow() {
    await new Promise((resolve) => setTimeout(resolve, 60));
    return { slow: true };
  }

  @Get('missing/:id')
  missing(@Param('id') id: string) {
    throw new NotFoundException(`no item ${id}`);
  }

  @Get('teapot')
  @HttpCode(418)
  teapot() {
    return { teapot: true };
  }

  @Get('boom')
  boom() {
    throw new Error('an unexpected failure');
  }

  @Get('private')
  @UseGuards(NobodyGuard)
  private() {
    return { secret: true };
  }

  @Get('unavailable')
  unavailable() {
    throw new ServiceUnavailableException('try later');
  }
}

@Module({ controllers: [OpsController] })
export class OpsModule {}

/** The interceptor applied globally, as a host does in main.ts. */
export function applyApiMetrics(app: NestExpressApplication): void {
  app.useGlobalInterceptors(app.get(MetricsApiInterceptor));
}

/** The middleware variant, applied to every request before routing. */
export function applyApiMetricsMiddleware(app: NestExpressApplication): void {
  const middleware = app.get(MetricsApiMiddleware);
  app.use(middleware.use.bind(middleware));
}

/**
 * Request i of a burst: 20 kinds × 3 tenant choices; over 3,000 requests each (kind, tenant) pair occurs
 * exactly 50 times (20 and 3 are coprime), so the expected counts are easy to derive by hand.
 */
export function planned(index: number): { path: string; tenant: string | null } {
  const kind = index % 20;
  const tenant = ['acme', 'globex', null][index % 3];
  let path = `/ops/items/${index}`; // kinds 0..12: 200
  if (kind === 13 || kind === 14) path = '/ops/slow'; // 200 after 60 ms
  if (kind === 15 || kind === 16) path = `/ops/missing/${index}`; // NotFoundException: 404
  if (kind === 17) path = '/ops/teapot'; // 418 without an exception
  if (kind === 18) path = '/ops/boom'; // plain Error: 500
  if (kind === 19) path = '/ops/unavailable'; // ServiceUnavailableException: 503
  return { path, tenant };
}

/** The statuses a burst of 600 planned requests gets: 20 kinds (above), each 30 times. */
export const STATUSES_OF_600 = { 200: 450, 404: 60, 418: 30, 500: 30, 503: 30 };

/** `times` requests to the host's guarded route without credentials: each refused with 401 by the host's guard. */
export async function refusedByHostGuard(baseUrl: string, times: number): Promise<void> {
  for (let index = 0; index < times; index += 1) {
    const refused = await fetch(`${baseUrl}/ops/private`, { headers: { 'x-tenant-id': 'acme' } });
    expect(refused.status).toBe(401);
  }
}

/** Runs `count` requests with at most `concurrency` in flight; returns the status codes seen. */
export async function burst(baseUrl: string, count: number, concurrency: number): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const { path, tenant } = planned(next);
        next += 1;
        const response = await fetch(`${baseUrl}${path}`, { headers: tenant ? { 'x-tenant-id': tenant } : {} });
        await response.arrayBuffer();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
      }
    }),
  );
  return statuses;
}
