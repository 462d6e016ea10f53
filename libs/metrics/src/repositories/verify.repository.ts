import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { run, type Statement } from '../database/statement.js';

/**
 * The statements of `verify` (npm run metrics -- verify, GET verify), as pure functions (docs/sql/verify.sql): the
 * health checks read across the module's tables, so what `verify` runs reads as one file.
 */
export const verifyStatements = {
  /**
   * The latest complete computed day (a changed source or ledger row shows there first) and `size - 1` other days
   * before it at random, in date order.
   */
  sampleDays: (env: string, size: number): Statement => ({
    sql: `WITH complete AS (
        SELECT DISTINCT bucket_date FROM system_metrics_snapshot
        WHERE environment = :env AND bucket_type = 'daily' AND bucket_date < current_date - 1)
      SELECT bucket_date::text AS day FROM (
        (SELECT bucket_date FROM complete ORDER BY bucket_date DESC LIMIT 1)
        -- The others drawn from the days before it: drawn from all, one could be the latest day again, and the
        -- sample came out a day short (1 run in 90 of test/verify's three months).
        UNION (SELECT bucket_date FROM complete WHERE bucket_date < (SELECT max(bucket_date) FROM complete)
               ORDER BY random() LIMIT :others)) sample
      ORDER BY bucket_date`,
    params: { env, others: Math.max(0, size - 1) },
  }),

  /** Every stored daily row of one day (global and per tenant), as comparable JSON without id and timestamp. */
  dayRows: (env: string, day: string): Statement => ({
    sql: `SELECT coalesce(tenant_id, '(global)') AS scope, (to_jsonb(s) - 'id' - 'computed_at')::text AS row
      FROM system_metrics_snapshot s
      WHERE environment = :env AND bucket_type = 'daily' AND bucket_date = :day::date`,
    params: { env, day },
  }),

  /**
   * Up to 5 daily and monthly snapshots (global and per tenant) that do not reconcile within `tolerance`: MRR at the
   * start plus net new MRR is MRR at the end, net new MRR is new + expansion + reactivation − contraction − churn.
   */
  unreconciled: (env: string, tolerance: number): Statement => ({
    sql: `SELECT bucket_type, bucket_date::text AS bucket_date, tenant_id, mrr_at_start, mrr_net_new, mrr,
             count(*) OVER ()::int AS total
      FROM system_metrics_snapshot
      WHERE environment = :env AND bucket_type IN ('daily', 'monthly') AND mrr IS NOT NULL
        AND (abs(coalesce(mrr_at_start, 0) + coalesce(mrr_net_new, 0) - mrr) > :tolerance
          OR abs(coalesce(mrr_new, 0) + coalesce(mrr_expansion, 0) + coalesce(mrr_reactivation, 0)
                 - coalesce(mrr_contraction, 0) - coalesce(mrr_churn, 0) - coalesce(mrr_net_new, 0)) > :tolerance)
      ORDER BY bucket_date, bucket_type, tenant_id NULLS FIRST LIMIT 5`,
    params: { env, tolerance },
  }),

  /** How many snapshots the reconciliation checks. */
  reconcilable: (env: string): Statement => ({
    sql: `SELECT count(*)::int AS checked FROM system_metrics_snapshot
      WHERE environment = :env AND bucket_type IN ('daily', 'monthly') AND mrr IS NOT NULL`,
    params: { env },
  }),

  /** The days marked for recomputation, and how many of them for over an hour. */
  dirtyDays: (): Statement => ({
    sql: `SELECT count(DISTINCT day)::int AS waiting, min(day)::text AS first, max(day)::text AS last,
             count(DISTINCT day) FILTER (WHERE marked_at < now() - interval '1 hour')::int AS late
      FROM metrics_dirty_day`,
    params: {},
  }),

  /** Up to 5 runs running without a heartbeat for 10 minutes, or queued for 30. */
  stuckRuns: (): Statement => ({
    sql: `SELECT id, status, start_date::text AS start, end_date::text AS end, created_at, heartbeat_at
      FROM metrics_run
      WHERE (status = 'running' AND coalesce(heartbeat_at, started_at, created_at) < now() - interval '10 minutes')
         OR (status = 'queued' AND created_at < now() - interval '30 minutes')
      ORDER BY created_at LIMIT 5`,
    params: {},
  }),

  /** Alert deliveries of the last 7 days given up, or retrying now. */
  failingDeliveries: (): Statement => ({
    sql: `SELECT count(*) FILTER (WHERE status = 'failed')::int AS failed,
             count(*) FILTER (WHERE status IN ('pending', 'sending') AND attempts > 0)::int AS retrying
      FROM metrics_alert_delivery WHERE created_at > now() - interval '7 days'`,
    params: {},
  }),
};

export interface DirtyDaysRow {
  waiting: number;
  first: string | null;
  last: string | null;
  late: number;
}

/** What the health checks read, on the primary (a check must see the latest writes). */
@Injectable()
export class VerifyRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private query<T>(statement: Statement, db: DataSource | EntityManager = this.dataSource): Promise<T[]> {
    return run<T>((text, values) => db.query(text, values), statement);
  }

  async sampleDays(env: string, size: number): Promise<string[]> {
    return (await this.query<{ day: string }>(verifyStatements.sampleDays(env, size))).map((row) => row.day);
  }

  /** One day's stored rows by scope; in the caller's transaction when given one (a recomputation to compare). */
  async dayRows(env: string, day: string, manager?: EntityManager): Promise<Map<string, string>> {
    const rows = await this.query<{ scope: string; row: string }>(verifyStatements.dayRows(env, day), manager);
    return new Map(rows.map(({ scope, row }) => [scope, row]));
  }

  unreconciled(env: string, tolerance: number): Promise<({ total: number } & Record<string, unknown>)[]> {
    return this.query(verifyStatements.unreconciled(env, tolerance));
  }

  async reconcilable(env: string): Promise<number> {
    const [{ checked }] = await this.query<{ checked: number }>(verifyStatements.reconcilable(env));
    return checked;
  }

  async dirtyDays(): Promise<DirtyDaysRow> {
    const [row] = await this.query<DirtyDaysRow>(verifyStatements.dirtyDays());
    return row;
  }

  stuckRuns(): Promise<Record<string, unknown>[]> {
    return this.query(verifyStatements.stuckRuns());
  }

  async failingDeliveries(): Promise<{ failed: number; retrying: number }> {
    const [row] = await this.query<{ failed: number; retrying: number }>(verifyStatements.failingDeliveries());
    return row;
  }
}
