import { BaseEntity, Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import type { BucketType } from './snapshot.entity.js';

export type AlertSeverity = 'warning' | 'critical';
export type AlertKind = 'threshold' | 'anomaly' | 'reconciliation';
export type AlertStatus = 'open' | 'acknowledged' | 'resolved';
export type DeliveryEvent = 'opened' | 'escalated' | 'resolved';
export type DeliveryStatus = 'pending' | 'sending' | 'delivered' | 'failed';

/** What an admin sets up and can switch off: who created it and when (columns inherited by the entities below). */
abstract class AdminConfiguredEntity extends BaseEntity {
  @Column({ type: 'boolean', default: true })
  enabled: boolean;

  @Column({ type: 'varchar', length: 255, nullable: true })
  created_by: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  created_at: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  updated_at: Date;
}

/** An admin's threshold on a catalog metric (the thresholds of metrics.md live in the configuration). */
@Entity({ name: 'metrics_alert_rule' })
export class MetricsAlertRule extends AdminConfiguredEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'varchar', length: 64 })
  metric: string;

  @Column({ type: 'varchar', length: 8 })
  direction: 'above' | 'below';

  @Column({ type: 'numeric', precision: 20, scale: 4, nullable: true })
  warning_level: string | null;

  @Column({ type: 'numeric', precision: 20, scale: 4, nullable: true })
  critical_level: string | null;

  @Column({ type: 'varchar', length: 16, default: 'daily' })
  bucket_type: BucketType;

  @Column({ type: 'varchar', length: 64, nullable: true })
  tenant_id: string | null;
}

/** One alert: a condition from its first to its last sighting, until it clears (resolved). */
@Entity({ name: 'metrics_alert' })
export class MetricsAlert extends BaseEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'varchar', length: 64 })
  environment: string;

  @Column({ type: 'varchar', length: 16 })
  kind: AlertKind;

  @Column({ type: 'varchar', length: 100 })
  rule_key: string;

  @Column({ type: 'varchar', length: 64 })
  metric: string;

  @Column({ type: 'varchar', length: 16 })
  bucket_type: BucketType;

  @Column({ type: 'date' })
  bucket_date: string;

  @Column({ type: 'varchar', length: 64, nullable: true })
  tenant_id: string | null;

  @Column({ type: 'numeric', precision: 24, scale: 6 })
  value: string;

  @Column({ type: 'numeric', precision: 24, scale: 6, nullable: true })
  threshold: string | null;

  @Column({ type: 'numeric', precision: 24, scale: 6, nullable: true })
  expected: string | null;

  @Column({ type: 'numeric', precision: 24, scale: 6, nullable: true })
  expected_low: string | null;

  @Column({ type: 'numeric', precision: 24, scale: 6, nullable: true })
  expected_high: string | null;

  @Column({ type: 'varchar', length: 16 })
  severity: AlertSeverity;

  @Column({ type: 'text' })
  message: string;

  @Column({ type: 'varchar', length: 16, default: 'open' })
  status: AlertStatus;

  @Column({ type: 'timestamptz' })
  first_seen: Date;

  @Column({ type: 'timestamptz' })
  last_seen: Date;

  @Column({ type: 'timestamptz', nullable: true })
  resolved_at: Date | null;

  @Column({ type: 'varchar', length: 255, nullable: true })
  acknowledged_by: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  acknowledged_at: Date | null;
}

/** Where alerts go: an SMTP mailbox list or a webhook. `settings` holds secrets and never leaves the module. */
@Entity({ name: 'metrics_alert_channel' })
export class MetricsAlertChannel extends AdminConfiguredEntity {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({ type: 'varchar', length: 16 })
  type: 'email' | 'webhook';

  @Column({ type: 'jsonb', select: false })
  settings: Record<string, unknown>;
}

/** The outbox and its log: one row per alert event and channel, with its attempts and outcome. */
@Entity({ name: 'metrics_alert_delivery' })
export class MetricsAlertDelivery extends BaseEntity {
  @PrimaryGeneratedColumn({ type: 'bigint' })
  id: string;

  @Column({ type: 'bigint' })
  alert_id: string;

  @Column({ type: 'uuid', nullable: true })
  channel_id: string | null;

  @Column({ type: 'varchar', length: 100 })
  channel_name: string;

  @Column({ type: 'varchar', length: 16 })
  event: DeliveryEvent;

  @Column({ type: 'jsonb' })
  payload: Record<string, unknown>;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status: DeliveryStatus;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ type: 'text', nullable: true })
  last_error: string | null;

  @Column({ type: 'timestamptz' })
  next_attempt_at: Date;

  @Column({ type: 'timestamptz' })
  created_at: Date;

  @Column({ type: 'timestamptz', nullable: true })
  delivered_at: Date | null;
}

export const ALERT_ENTITIES = [MetricsAlertRule, MetricsAlert, MetricsAlertChannel, MetricsAlertDelivery];
