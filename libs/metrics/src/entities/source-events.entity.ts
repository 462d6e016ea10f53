import { BaseEntity, Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** The module's own source tables: what `MetricsRecorder` and `POST /events` write. */

@Entity({ name: 'system_activation_event' })
export class ActivationEvent extends BaseEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  tenant_id: string | null;

  @Column({ type: 'varchar', length: 255 })
  user_id: string;

  @Column({ type: 'varchar', length: 64 })
  action: string;

  @Column({ type: 'timestamptz' })
  occurred_at: Date;
}

@Entity({ name: 'metrics_lifecycle_event' })
export class LifecycleEvent extends BaseEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  tenant_id: string | null;

  @Column({ type: 'varchar', length: 255 })
  user_id: string;

  @Column({ type: 'varchar', length: 32 })
  type: string;

  @Column({ type: 'timestamptz' })
  occurred_at: Date;
}

@Entity({ name: 'metrics_activity_event' })
export class ActivityEvent extends BaseEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  tenant_id: string | null;

  @Column({ type: 'varchar', length: 255 })
  user_id: string;

  @Column({ type: 'varchar', length: 16 })
  type: string;

  @Column({ type: 'timestamptz' })
  occurred_at: Date;
}

@Entity({ name: 'metrics_job_event' })
export class JobEvent extends BaseEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  tenant_id: string | null;

  @Column({ type: 'varchar', length: 255 })
  job: string;

  @Column({ type: 'varchar', length: 16 })
  status: string;

  @Column({ type: 'timestamptz' })
  started_at: Date;

  @Column({ type: 'timestamptz' })
  finished_at: Date;
}

@Entity({ name: 'metrics_ai_usage_event' })
export class AiUsageEvent extends BaseEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  tenant_id: string | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  user_id: string | null;

  @Column({ type: 'varchar', length: 128 })
  model: string;

  @Column({ type: 'bigint' })
  input_tokens: string;

  @Column({ type: 'bigint' })
  output_tokens: string;

  @Column({ type: 'numeric', precision: 20, scale: 6 })
  cost_usd: string;

  @Column({ type: 'timestamptz' })
  occurred_at: Date;
}

/** API traffic, rolled up per tenant, minute and route (raw requests are never stored one by one). */
@Entity({ name: 'metrics_api_request_rollup' })
export class ApiRequestRollup extends BaseEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  tenant_id: string | null;

  @Column({ type: 'timestamptz' })
  minute: Date;

  @Column({ type: 'varchar', length: 255, default: '' })
  route: string;

  @Column({ type: 'bigint' })
  requests: string;

  @Column({ type: 'bigint' })
  client_errors: string;

  @Column({ type: 'bigint' })
  server_errors: string;

  @Column({ type: 'numeric', precision: 20, scale: 2 })
  latency_sum_ms: string;

  @Column({ type: 'bigint', array: true })
  latency_histogram: string[];
}
