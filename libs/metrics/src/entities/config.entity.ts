import { BaseEntity, Column, Entity, PrimaryColumn } from 'typeorm';
import type { MrrDiscountConvention } from './revenue-conventions.types.js';

/** A model's price in USD per million tokens. */
export interface AiModelPrice {
  input_per_1m: number;
  output_per_1m: number;
}

/** The single configuration row (id = 1). Field names are the API's snake_case names. */
@Entity({ name: 'system_metrics_config' })
export class MetricsConfigEntity extends BaseEntity {
  @PrimaryColumn({ type: 'integer', default: 1 })
  id: number;

  @Column({ type: 'varchar', length: 64, default: 'UTC' })
  timezone: string;

  @Column({ type: 'varchar', length: 3, default: 'USD' })
  currency: string;

  @Column({ type: 'numeric', precision: 12, scale: 2, default: 5 })
  churn_spike_threshold_pct: string;

  @Column({ type: 'integer', default: 3 })
  payment_failure_threshold: number;

  @Column({ type: 'numeric', precision: 12, scale: 2, default: 5 })
  error_rate_threshold_pct: string;

  @Column({ type: 'numeric', precision: 12, scale: 2, default: 10 })
  job_failure_rate_threshold_pct: string;

  @Column({ type: 'numeric', precision: 20, scale: 2, nullable: true })
  monthly_burn_rate: string | null;

  @Column({ type: 'numeric', precision: 20, scale: 2, nullable: true })
  cash_balance: string | null;

  @Column({ type: 'date', nullable: true })
  cash_balance_as_of: string | null;

  @Column({ type: 'numeric', precision: 12, scale: 2, nullable: true })
  manual_runway_months: string | null;

  @Column({ type: 'text', array: true, default: () => "ARRAY['file_upload','worklog_create','report_generate']" })
  activation_actions: string[];

  @Column({ type: 'boolean', default: true })
  ai_tracking_enabled: boolean;

  @Column({ type: 'boolean', default: true })
  api_tracking_enabled: boolean;

  @Column({ type: 'boolean', default: true })
  jobs_tracking_enabled: boolean;

  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" })
  currency_rates: Record<string, number>;

  /** USD per million tokens, per model: the cost of an ai_usage event recorded without one. */
  @Column({ type: 'jsonb', default: () => "'{}'::jsonb" })
  ai_prices: Record<string, AiModelPrice>;

  /** Open invoices entered by an admin, reported while billing is not connected. */
  @Column({ type: 'integer', nullable: true })
  outstanding_invoices_count: number | null;

  @Column({ type: 'numeric', precision: 20, scale: 2, nullable: true })
  outstanding_invoices_value: string | null;

  /** Revenue conventions (metrics.md, "Conventions the configuration chooses"). */
  @Column({ type: 'varchar', length: 16, default: 'recurring' })
  mrr_discounts: MrrDiscountConvention;

  @Column({ type: 'integer', nullable: true })
  past_due_churn_after_days: number | null;

  @Column({ type: 'boolean', default: true })
  quick_ratio_includes_reactivation: boolean;

  @Column({ type: 'varchar', length: 255, nullable: true })
  updated_by: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updated_at: Date;
}
