import { createHash } from 'node:crypto';
import { Injectable, PreconditionFailedException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { MetricsConfigEntity, type AiModelPrice } from '../entities/config.entity.js';
import { InjectMetricsOptions } from '../metrics.module-definition.js';
import type { ResolvedMetricsOptions } from '../metrics.options.js';
import { ReadCache } from './read-cache.service.js';
import type { MrrDiscountConvention } from '../entities/revenue-conventions.types.js';

export interface MetricsConfigJson {
  timezone: string;
  currency: string;
  churn_spike_threshold_pct: number;
  payment_failure_threshold: number;
  error_rate_threshold_pct: number;
  job_failure_rate_threshold_pct: number;
  monthly_burn_rate: number | null;
  cash_balance: number | null;
  cash_balance_as_of: string | null;
  manual_runway_months: number | null;
  runway_months: number | null;
  activation_actions: string[];
  ai_tracking_enabled: boolean;
  api_tracking_enabled: boolean;
  jobs_tracking_enabled: boolean;
  currency_rates: Record<string, number>;
  ai_prices: Record<string, AiModelPrice>;
  outstanding_invoices_count: number | null;
  outstanding_invoices_value: number | null;
  mrr_discounts: MrrDiscountConvention;
  past_due_churn_after_days: number | null;
  quick_ratio_includes_reactivation: boolean;
  updated_by: string | null;
  updated_at: string;
}

/** The single configuration row: created from the module options on first use, then owned by admins. */
@Injectable()
export class MetricsConfigService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectMetricsOptions() private readonly options: ResolvedMetricsOptions,
    private readonly cache: ReadCache,
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

  /** Applies a validated change in one transaction and returns the configuration before and after. */
  async update(
    patch: Partial<Record<keyof MetricsConfigEntity, unknown>>,
    updatedBy: string,
    /** Runs in the same transaction (the audit record of the change: both are written or neither). */
    alsoWithin?: (before: MetricsConfigJson, after: MetricsConfigJson, manager: EntityManager) => Promise<void>,
    /** The client's If-Match header: the change is made only if the stored row still has that ETag (or `*`). */
    ifMatch?: string,
  ): Promise<{ before: MetricsConfigJson; after: MetricsConfigJson }> {
    return this.dataSource.transaction(async (manager) => {
      await this.get(manager);
      // Concurrent changes take turns on the row, so each one's "before" is what the previous one left: no
      // lost update, and the audit trail's before/after pairs form one unbroken sequence.
      await manager.query('SELECT id FROM system_metrics_config WHERE id = 1 FOR UPDATE');
      const before = await this.get(manager);
      // Checked under the row lock: of two writers holding the same ETag, the second sees the first's row here.
      if (
        ifMatch !== undefined &&
        !MetricsConfigService.matches(ifMatch, MetricsConfigService.etag(MetricsConfigService.toJson(before)))
      )
        throw new PreconditionFailedException(
          'If-Match: the configuration was changed since that ETag was read; GET config again and reapply the change',
        );
      const changes = Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined));
      await manager.getRepository(MetricsConfigEntity).update(
        { id: 1 },
        {
          ...changes,
          updated_by: updatedBy,
          updated_at: new Date(),
        },
      );
      const after = await this.get(manager);
      const result = { before: MetricsConfigService.toJson(before), after: MetricsConfigService.toJson(after) };
      await alsoWithin?.(result.before, result.after, manager);
      // Thresholds and toggles shape the answers: cached ones must go.
      await this.cache.bump(manager);
      return result;
    });
  }

  /**
   * A strong validator of the stored row: a hash of its JSON form, which includes updated_at (stamped by every
   * change), so any write gives a new ETag and two reads of an unchanged row give the same one.
   */
  static etag(config: MetricsConfigJson): string {
    return `"${createHash('sha256').update(JSON.stringify(config)).digest('base64url')}"`;
  }

  /** If-Match per RFC 9110: `*`, or a list of entity tags compared strongly (a weak `W/` tag never matches). */
  static matches(ifMatch: string, etag: string): boolean {
    const tags = ifMatch.split(',').map((tag) => tag.trim());
    return tags.includes('*') || tags.includes(etag);
  }

  /** The configuration as the API shows it: numbers as numbers, dates as YYYY-MM-DD. */
  static toJson(config: MetricsConfigEntity): MetricsConfigJson {
    const number = (value: string | number | null) => (value === null ? null : Number(value));
    return {
      timezone: config.timezone,
      currency: config.currency,
      churn_spike_threshold_pct: Number(config.churn_spike_threshold_pct),
      payment_failure_threshold: Number(config.payment_failure_threshold),
      error_rate_threshold_pct: Number(config.error_rate_threshold_pct),
      job_failure_rate_threshold_pct: Number(config.job_failure_rate_threshold_pct),
      monthly_burn_rate: number(config.monthly_burn_rate),
      cash_balance: number(config.cash_balance),
      cash_balance_as_of: config.cash_balance_as_of,
      manual_runway_months: number(config.manual_runway_months),
      runway_months: MetricsConfigService.runwayMonths(config),
      activation_actions: config.activation_actions,
      ai_tracking_enabled: config.ai_tracking_enabled,
      api_tracking_enabled: config.api_tracking_enabled,
      jobs_tracking_enabled: config.jobs_tracking_enabled,
      currency_rates: config.currency_rates,
      ai_prices: config.ai_prices,
      outstanding_invoices_count: config.outstanding_invoices_count,
      outstanding_invoices_value: number(config.outstanding_invoices_value),
      mrr_discounts: config.mrr_discounts,
      past_due_churn_after_days: config.past_due_churn_after_days,
      quick_ratio_includes_reactivation: config.quick_ratio_includes_reactivation,
      updated_by: config.updated_by,
      updated_at: new Date(config.updated_at).toISOString(),
    };
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
  static enabledSources(config: MetricsConfigEntity, billingConnected = false): Set<string> {
    const enabled = new Set(['lifecycle', 'activity', 'activation', 'config']);
    if (billingConnected) enabled.add('billing');
    if (config.jobs_tracking_enabled) enabled.add('jobs');
    if (config.ai_tracking_enabled) enabled.add('ai');
    if (config.api_tracking_enabled) enabled.add('api');
    return enabled;
  }
}
