import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Alerts that reach people: admin rules on any catalog metric, the alerts themselves with their lifecycle
 * (one open alert per condition, so a condition that lasts does not alert again every run), the delivery
 * channels, and an outbox of deliveries that a worker sends with retries, off the computation's path.
 */
export class Alerts1764547200000 implements MigrationInterface {
  name = 'Alerts1764547200000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE metrics_alert_rule (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(100) NOT NULL,
        metric varchar(64) NOT NULL,
        direction varchar(8) NOT NULL CHECK (direction IN ('above', 'below')),
        warning_level numeric(20,4),
        critical_level numeric(20,4),
        bucket_type varchar(16) NOT NULL DEFAULT 'daily' CHECK (bucket_type IN ('daily', 'weekly', 'monthly')),
        tenant_id varchar(64),
        enabled boolean NOT NULL DEFAULT true,
        created_by varchar(255),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (warning_level IS NOT NULL OR critical_level IS NOT NULL)
      )`);
    await db.query(`
      CREATE TABLE metrics_alert (
        id bigserial PRIMARY KEY,
        environment varchar(64) NOT NULL,
        kind varchar(16) NOT NULL CHECK (kind IN ('threshold', 'anomaly')),
        rule_key varchar(100) NOT NULL,
        metric varchar(64) NOT NULL,
        bucket_type varchar(16) NOT NULL,
        bucket_date date NOT NULL,
        tenant_id varchar(64),
        value numeric(24,6) NOT NULL,
        threshold numeric(24,6),
        expected numeric(24,6),
        expected_low numeric(24,6),
        expected_high numeric(24,6),
        severity varchar(16) NOT NULL CHECK (severity IN ('warning', 'critical')),
        message text NOT NULL,
        status varchar(16) NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'acknowledged', 'resolved')),
        first_seen timestamptz NOT NULL DEFAULT now(),
        last_seen timestamptz NOT NULL DEFAULT now(),
        resolved_at timestamptz,
        acknowledged_by varchar(255),
        acknowledged_at timestamptz
      )`);
    // The dedup key: one unresolved alert per condition (rule, metric, tenant, bucket).
    await db.query(`
      CREATE UNIQUE INDEX metrics_alert_one_active
      ON metrics_alert (environment, rule_key, metric, bucket_type, tenant_id) NULLS NOT DISTINCT
      WHERE status <> 'resolved'`);
    await db.query(`CREATE INDEX metrics_alert_listing ON metrics_alert (environment, last_seen DESC)`);
    await db.query(`
      CREATE TABLE metrics_alert_channel (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name varchar(100) NOT NULL,
        type varchar(16) NOT NULL CHECK (type IN ('email', 'webhook')),
        settings jsonb NOT NULL,
        enabled boolean NOT NULL DEFAULT true,
        created_by varchar(255),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await db.query(`
      CREATE TABLE metrics_alert_delivery (
        id bigserial PRIMARY KEY,
        alert_id bigint NOT NULL REFERENCES metrics_alert (id) ON DELETE CASCADE,
        channel_id uuid REFERENCES metrics_alert_channel (id) ON DELETE SET NULL,
        channel_name varchar(100) NOT NULL,
        event varchar(16) NOT NULL CHECK (event IN ('opened', 'escalated', 'resolved')),
        payload jsonb NOT NULL,
        status varchar(16) NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sending', 'delivered', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        created_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz
      )`);
    await db.query(`
      CREATE INDEX metrics_alert_delivery_due ON metrics_alert_delivery (next_attempt_at)
      WHERE status IN ('pending', 'sending')`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP TABLE IF EXISTS metrics_alert_delivery');
    await db.query('DROP TABLE IF EXISTS metrics_alert_channel');
    await db.query('DROP TABLE IF EXISTS metrics_alert');
    await db.query('DROP TABLE IF EXISTS metrics_alert_rule');
  }
}
