import { Injectable } from '@nestjs/common';
import { MetricsVerifier } from './metrics-verifier.service.js';

export type MetricsHealthStatus = 'up' | 'degraded' | 'down';

/**
 * The verify checks as a `@nestjs/terminus` health indicator, without importing terminus (hosts that use it have
 * it): `health.check([() => metricsHealth.isHealthy('metrics')])`. A failed check is `down` (terminus answers
 * 503), a warning `degraded`. Only the verdicts are given, not the details, since health routes are often public.
 */
@Injectable()
export class MetricsHealthIndicator {
  constructor(private readonly verifier: MetricsVerifier) {}

  /** `sample`: days of snapshots recomputed per check (1 by default: a health check runs often). */
  async isHealthy(
    key = 'metrics',
    sample = 1,
  ): Promise<Record<string, { status: MetricsHealthStatus; checks: Record<string, string> }>> {
    const report = await this.verifier.verify(sample);
    const checks = Object.fromEntries(report.checks.map((check) => [check.name, check.verdict]));
    const status = !report.ok ? 'down' : Object.values(checks).includes('warning') ? 'degraded' : 'up';
    return { [key]: { status, checks } };
  }
}
