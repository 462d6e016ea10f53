import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The module's tables. Runs on PostgreSQL 15+ and on PGlite (PostgreSQL 18): the unique keys use
 * NULLS NOT DISTINCT so that the global row (tenant_id NULL) is one row, not one per upsert.
 */
export class MetricsCore1764028800000 implements MigrationInterface {
  name = 'MetricsCore1764028800000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TABLE system_metrics_snapshot (
        id bigserial PRIMARY KEY,
        bucket_type varchar(16) NOT NULL CHECK (bucket_type IN ('daily', 'weekly', 'monthly')),
        bucket_date date NOT NULL,
        tenant_id varchar(64),
        environment varchar(64) NOT NULL,
        total_customers integer,
        new_customers integer,
        churned_customers integer,
        reactivated_customers integer,
        customers_at_start integer,
        customer_churn_rate numeric(12,2),
        signups_total integer,
        dau numeric(12,2),
        wau integer,
        mau integer,
        stickiness numeric(12,2),
        activated_users integer,
        users_uploaded_file integer,
        users_created_worklog integer,
        users_generated_report integer,
        signups_activated_7d integer,
        activation_rate numeric(12,2),
        trial_started integer,
        trial_converted integer,
        trial_conversion_rate numeric(12,2),
        jobs_total integer,
        jobs_succeeded integer,
        jobs_failed integer,
        jobs_duration_sum_sec numeric(20,2),
        jobs_avg_duration_sec numeric(12,2),
        job_success_rate numeric(12,2),
        job_failure_rate numeric(12,2),
        api_requests_total bigint,
        api_errors_total bigint,
        api_client_errors_total bigint,
        api_latency_sum_ms numeric(20,2),
        api_latency_histogram bigint[],
        api_avg_latency_ms numeric(12,2),
        api_p95_latency_ms numeric(12,2),
        error_rate numeric(12,2),
        ai_tokens_used bigint,
        ai_cost_usd numeric(20,4),
        mrr numeric(20,2),
        arr numeric(20,2),
        paying_customers integer,
        arpa numeric(20,2),
        mrr_new numeric(20,2),
        mrr_expansion numeric(20,2),
        mrr_contraction numeric(20,2),
        mrr_churn numeric(20,2),
        mrr_reactivation numeric(20,2),
        mrr_net_new numeric(20,2),
        nrr numeric(12,2),
        grr numeric(12,2),
        revenue_churn_rate numeric(12,2),
        quick_ratio numeric(12,2),
        stripe_active_subscriptions integer,
        stripe_past_due integer,
        stripe_canceled integer,
        stripe_failed_payments integer,
        outstanding_invoices_count integer,
        outstanding_invoices_value numeric(20,2),
        cash_burn_monthly numeric(20,2),
        cash_balance numeric(20,2),
        runway_months numeric(12,2),
        activation_breakdown jsonb,
        ai_breakdown jsonb,
        computed_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT system_metrics_snapshot_bucket_key
          UNIQUE NULLS NOT DISTINCT (environment, tenant_id, bucket_type, bucket_date)
      )`);
    await db.query(
      `CREATE INDEX system_metrics_snapshot_range ON system_metrics_snapshot (environment, bucket_type, bucket_date)`,
    );

    await db.query(`
      CREATE TABLE system_metrics_config (
        id integer PRIMARY KEY DEFAULT 1 CHECK (id = 1),
        timezone varchar(64) NOT NULL DEFAULT 'UTC',
        currency varchar(3) NOT NULL DEFAULT 'USD',
        churn_spike_threshold_pct numeric(12,2) NOT NULL DEFAULT 5,
        payment_failure_threshold integer NOT NULL DEFAULT 3,
        error_rate_threshold_pct numeric(12,2) NOT NULL DEFAULT 5,
        job_failure_rate_threshold_pct numeric(12,2) NOT NULL DEFAULT 10,
        monthly_burn_rate numeric(20,2),
        cash_balance numeric(20,2),
        cash_balance_as_of date,
        manual_runway_months numeric(12,2),
        activation_actions text[] NOT NULL DEFAULT ARRAY['file_upload','worklog_create','report_generate'],
        ai_tracking_enabled boolean NOT NULL DEFAULT true,
        api_tracking_enabled boolean NOT NULL DEFAULT true,
        jobs_tracking_enabled boolean NOT NULL DEFAULT true,
        currency_rates jsonb NOT NULL DEFAULT '{}'::jsonb,
        updated_by varchar(255),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    await db.query(`
      CREATE TABLE system_cohort_retention (
        id bigserial PRIMARY KEY,
        cohort_month date NOT NULL,
        tenant_id varchar(64),
        environment varchar(64) NOT NULL,
        cohort_size integer NOT NULL,
        week_1_retained integer,
        week_1_pct numeric(12,2),
        week_4_retained integer,
        week_4_pct numeric(12,2),
        week_12_retained integer,
        week_12_pct numeric(12,2),
        curve jsonb NOT NULL,
        computed_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT system_cohort_retention_key UNIQUE NULLS NOT DISTINCT (environment, tenant_id, cohort_month)
      )`);

    // Source tables. Each event's user is (tenant_id, user_id): the same user id in two tenants is two users.
    await db.query(`
      CREATE TABLE system_activation_event (
        id bigserial PRIMARY KEY,
        tenant_id varchar(64),
        user_id varchar(255) NOT NULL,
        action varchar(64) NOT NULL,
        occurred_at timestamptz NOT NULL
      )`);
    await db.query(
      `CREATE INDEX system_activation_event_user ON system_activation_event (tenant_id, user_id, occurred_at)`,
    );
    await db.query(`CREATE INDEX system_activation_event_at ON system_activation_event (occurred_at)`);

    await db.query(`
      CREATE TABLE metrics_lifecycle_event (
        id bigserial PRIMARY KEY,
        tenant_id varchar(64),
        user_id varchar(255) NOT NULL,
        type varchar(32) NOT NULL
          CHECK (type IN ('signup', 'deactivate', 'reactivate', 'trial_started', 'trial_converted')),
        occurred_at timestamptz NOT NULL
      )`);
    await db.query(
      `CREATE INDEX metrics_lifecycle_event_user ON metrics_lifecycle_event (tenant_id, user_id, occurred_at)`,
    );
    await db.query(`CREATE INDEX metrics_lifecycle_event_at ON metrics_lifecycle_event (occurred_at)`);

    await db.query(`
      CREATE TABLE metrics_activity_event (
        id bigserial PRIMARY KEY,
        tenant_id varchar(64),
        user_id varchar(255) NOT NULL,
        type varchar(16) NOT NULL CHECK (type IN ('login', 'activity')),
        occurred_at timestamptz NOT NULL
      )`);
    await db.query(
      `CREATE INDEX metrics_activity_event_at ON metrics_activity_event (occurred_at) INCLUDE (tenant_id, user_id)`,
    );
    await db.query(
      `CREATE INDEX metrics_activity_event_user ON metrics_activity_event (tenant_id, user_id, occurred_at)`,
    );

    await db.query(`
      CREATE TABLE metrics_job_event (
        id bigserial PRIMARY KEY,
        tenant_id varchar(64),
        job varchar(255) NOT NULL,
        status varchar(16) NOT NULL CHECK (status IN ('succeeded', 'failed')),
        started_at timestamptz NOT NULL,
        finished_at timestamptz NOT NULL
      )`);
    await db.query(`CREATE INDEX metrics_job_event_finished ON metrics_job_event (finished_at)`);

    await db.query(`
      CREATE TABLE metrics_ai_usage_event (
        id bigserial PRIMARY KEY,
        tenant_id varchar(64),
        user_id varchar(255),
        model varchar(128) NOT NULL,
        input_tokens bigint NOT NULL CHECK (input_tokens >= 0),
        output_tokens bigint NOT NULL CHECK (output_tokens >= 0),
        cost_usd numeric(20,6) NOT NULL CHECK (cost_usd >= 0),
        occurred_at timestamptz NOT NULL
      )`);
    await db.query(`CREATE INDEX metrics_ai_usage_event_at ON metrics_ai_usage_event (occurred_at)`);

    await db.query(`
      CREATE TABLE metrics_api_request_rollup (
        id bigserial PRIMARY KEY,
        tenant_id varchar(64),
        minute timestamptz NOT NULL,
        route varchar(255) NOT NULL DEFAULT '',
        requests bigint NOT NULL,
        client_errors bigint NOT NULL,
        server_errors bigint NOT NULL,
        latency_sum_ms numeric(20,2) NOT NULL,
        latency_histogram bigint[] NOT NULL,
        CONSTRAINT metrics_api_request_rollup_key UNIQUE NULLS NOT DISTINCT (tenant_id, minute, route)
      )`);
    await db.query(`CREATE INDEX metrics_api_request_rollup_minute ON metrics_api_request_rollup (minute)`);

    // Ids of ingested events, so that a re-sent event is skipped rather than stored twice.
    await db.query(`
      CREATE TABLE metrics_ingested_event (
        event_id varchar(128) PRIMARY KEY,
        type varchar(32) NOT NULL,
        received_at timestamptz NOT NULL DEFAULT now()
      )`);

    await db.query(`
      CREATE TABLE metrics_run (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        trigger varchar(16) NOT NULL,
        requested_by varchar(255),
        start_date date NOT NULL,
        end_date date NOT NULL,
        tenant_id varchar(64),
        status varchar(16) NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
        done integer NOT NULL DEFAULT 0,
        total integer NOT NULL DEFAULT 0,
        error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        started_at timestamptz,
        finished_at timestamptz
      )`);
    await db.query(`CREATE INDEX metrics_run_created ON metrics_run (created_at DESC)`);

    // Element-wise sum of latency histograms, as an aggregate, so buckets of any width add up in SQL.
    await db.query(`
      CREATE FUNCTION metrics_histogram_add(a bigint[], b bigint[]) RETURNS bigint[]
      LANGUAGE sql IMMUTABLE AS $$
        SELECT CASE WHEN a IS NULL THEN b WHEN b IS NULL THEN a ELSE
          ARRAY(SELECT coalesce(a[i], 0) + coalesce(b[i], 0)
                FROM generate_series(1, greatest(cardinality(a), cardinality(b))) AS i) END
      $$`);
    await db.query(
      `CREATE AGGREGATE metrics_histogram_sum(bigint[]) (SFUNC = metrics_histogram_add, STYPE = bigint[])`,
    );

    // The q-quantile of a histogram, interpolated linearly inside the bucket that holds it.
    // bounds[i] is the upper bound of bucket i; the last bucket (beyond the bounds) reports its lower bound.
    await db.query(`
      CREATE FUNCTION metrics_histogram_quantile(hist bigint[], bounds numeric[], q numeric) RETURNS numeric
      LANGUAGE sql IMMUTABLE AS $$
        WITH buckets AS (
          SELECT i, hist[i] AS n,
                 sum(hist[i]) OVER (ORDER BY i) AS cum,
                 coalesce(bounds[i - 1], 0) AS lower_bound,
                 bounds[i] AS upper_bound
          FROM generate_series(1, cardinality(hist)) AS i
        ), total AS (SELECT sum(n) AS n FROM buckets)
        SELECT CASE WHEN b.upper_bound IS NULL THEN b.lower_bound
                    ELSE b.lower_bound + (b.upper_bound - b.lower_bound) * ((q * t.n) - (b.cum - b.n)) / b.n END
        FROM buckets b, total t
        WHERE t.n > 0 AND b.n > 0 AND b.cum >= q * t.n
        ORDER BY b.i LIMIT 1
      $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP FUNCTION IF EXISTS metrics_histogram_quantile(bigint[], numeric[], numeric)');
    await db.query('DROP AGGREGATE IF EXISTS metrics_histogram_sum(bigint[])');
    await db.query('DROP FUNCTION IF EXISTS metrics_histogram_add(bigint[], bigint[])');
    for (const table of [
      'metrics_run',
      'metrics_ingested_event',
      'metrics_api_request_rollup',
      'metrics_ai_usage_event',
      'metrics_job_event',
      'metrics_activity_event',
      'metrics_lifecycle_event',
      'system_activation_event',
      'system_cohort_retention',
      'system_metrics_config',
      'system_metrics_snapshot',
    ]) {
      await db.query(`DROP TABLE IF EXISTS ${table}`);
    }
  }
}
