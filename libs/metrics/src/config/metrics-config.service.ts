import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { MetricsConfigEntity } from '../entities/config.entity.js';
import { METRICS_OPTIONS } from '../metrics.module-definition.js';
import type { ResolvedMetricsOptions } from '../metrics.options.js';

/** The single configuration row: created from the module options on first use, then owned by admins. */
@Injectable()
export class MetricsConfigService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(METRICS_OPTIONS) private readonly options: ResolvedMetricsOptions,
  ) {}

  async get(manager: EntityManager = this.dataSource.manager): Promise<MetricsConfigEntity> {
    const repository = manager.getRepository(MetricsConfigEntity);
    const existing = await repository.findOneBy({ id: 1 });
    if (existing) return existing;
    await repository
      .createQueryBuilder()
      .insert()
      .values({
        id: 1,
        timezone: this.options.timezone ?? 'UTC',
        currency: this.options.currency ?? 'USD',
        ...(this.options.activationActions ? { activation_actions: this.options.activationActions } : {}),
      })
      .orIgnore()
      .execute();
    return repository.findOneByOrFail({ id: 1 });
  }

  /** Runway per metrics.md: cash ÷ burn (null when burn ≤ 0), else the manual runway when no cash is given. */
  static runwayMonths(config: MetricsConfigEntity): number | null {
    if (config.cash_balance !== null) {
      const burn = config.monthly_burn_rate === null ? 0 : Number(config.monthly_burn_rate);
      return burn > 0 ? Math.round((Number(config.cash_balance) / burn) * 10) / 10 : null;
    }
    return config.manual_runway_months === null ? null : Number(config.manual_runway_months);
  }

  /** The sources whose metrics are computed (a switched-off source reports null, not 0). */
  static enabledSources(config: MetricsConfigEntity): Set<string> {
    const enabled = new Set(['lifecycle', 'activity', 'activation', 'config']);
    if (config.jobs_tracking_enabled) enabled.add('jobs');
    if (config.ai_tracking_enabled) enabled.add('ai');
    if (config.api_tracking_enabled) enabled.add('api');
    return enabled;
  }
}
