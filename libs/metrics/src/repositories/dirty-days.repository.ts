import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { run, type Statement } from '../database/statement.js';
import type { SourceRelations } from '../sql/source-relations.js';

/** How far one late instant's effect reaches around its own local day, in days (null forward: up to today). */
export interface LateReach {
  /** An ISO instant. */
  at: string;
  back: number;
  forward: number | null;
}

export interface CatchUpQuery {
  env: string;
  /** The reporting timezone, and yesterday in it: the last day the catch-up computes. */
  tz: string;
  yesterday: string;
  /** How far before yesterday a missing day is still computed. */
  lookBackDays: number;
}

/** The statements on `metrics_dirty_day`, as pure functions (docs/sql/dirty-days.sql). */
export const dirtyDayStatements = {
  /**
   * A billing change that took effect in the past changes that day's flows and every later day's stocks
   * (MRR is a running total), so every computed day from then to yesterday is marked for the catch-up.
   */
  markBillingDays: (at: Date, timezone: string): Statement => ({
    sql: `INSERT INTO metrics_dirty_day (day)
     SELECT s.bucket_date FROM system_metrics_snapshot s
     WHERE s.bucket_type = 'daily' AND s.tenant_id IS NULL
       AND s.bucket_date >= (:at::timestamptz AT TIME ZONE :timezone)::date
       AND s.bucket_date < (now() AT TIME ZONE :timezone)::date
     GROUP BY s.bucket_date
     ON CONFLICT (day) DO UPDATE SET marked_at = now()`,
    params: { at, timezone },
  }),

  /**
   * Late events (or the API interceptor's rollup minutes) make the computed days they reach stale: every day
   * with a snapshot from `back` days before an instant's local day to `forward` days after (null: no end), up
   * to yesterday. Days never computed need no mark: the catch-up finds them anyway.
   */
  markLateDays: (reaches: readonly LateReach[], timezone: string): Statement => ({
    sql: `INSERT INTO metrics_dirty_day (day)
     SELECT DISTINCT s.bucket_date
     FROM unnest(:ats::timestamptz[], :backs::int[], :forwards::int[]) AS r(at, back, forward)
     JOIN system_metrics_snapshot s
       ON s.bucket_type = 'daily' AND s.tenant_id IS NULL
      AND s.bucket_date BETWEEN (r.at AT TIME ZONE :timezone)::date - r.back
                            AND coalesce((r.at AT TIME ZONE :timezone)::date + r.forward, 'infinity'::date)
     WHERE s.bucket_date < (now() AT TIME ZONE :timezone)::date
     ON CONFLICT (day) DO UPDATE SET marked_at = now()`,
    params: {
      ats: reaches.map((reach) => reach.at),
      backs: reaches.map((reach) => reach.back),
      forwards: reaches.map((reach) => reach.forward),
      timezone,
    },
  }),

  /**
   * The days up to yesterday the catch-up computes, in order: those since the first lifecycle event (at most
   * `lookBackDays` before yesterday) without a global daily snapshot (the app was down at 01:00), and those marked.
   */
  toCatchUp: (relations: SourceRelations, query: CatchUpQuery): Statement => ({
    sql: `WITH bounds AS (
        SELECT CASE WHEN min(occurred_at) IS NOT NULL
                    THEN greatest((min(occurred_at) AT TIME ZONE :tz)::date, :yesterday::date - :look_back::int) END AS first_day
        FROM ${relations.from('lifecycle')})
      SELECT d::date::text AS day FROM bounds, generate_series(bounds.first_day, :yesterday::date, interval '1 day') AS d
      WHERE NOT EXISTS (
        SELECT 1 FROM system_metrics_snapshot s
        WHERE s.environment = :env AND s.bucket_type = 'daily' AND s.tenant_id IS NULL AND s.bucket_date = d::date)
      UNION
      SELECT day::text FROM metrics_dirty_day WHERE day <= :yesterday::date
      ORDER BY 1`,
    params: { tz: query.tz, yesterday: query.yesterday, look_back: query.lookBackDays, env: query.env },
  }),

  /** The marks of [start, end] made before the run that recomputed those days was claimed (a later one stays). */
  clear: (start: string, end: string, claimedAt: Date): Statement => ({
    sql: 'DELETE FROM metrics_dirty_day WHERE day BETWEEN :start AND :end AND marked_at <= :claimed_at',
    params: { start, end, claimed_at: claimedAt },
  }),
};

/**
 * The days the catch-up recomputes: marked by the billing writers (Stripe events and sync, manual revenue) and the
 * event writers (POST events, the API interceptor's flushes), read and cleared by the schedule's catch-up (on the
 * primary).
 */
@Injectable()
export class DirtyDaysRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private query<T>(statement: Statement): Promise<T[]> {
    return run<T>((text, values) => this.dataSource.query(text, values), statement);
  }

  /** In the caller's transaction, with the billing change that makes the days stale. */
  async markBillingDays(manager: EntityManager, at: Date, timezone: string): Promise<void> {
    await run((text, values) => manager.query(text, values), dirtyDayStatements.markBillingDays(at, timezone));
  }

  /** In the caller's transaction, with the late events that make the days stale. */
  async markLateDays(manager: EntityManager, reaches: readonly LateReach[], timezone: string): Promise<void> {
    if (reaches.length === 0) return;
    await run((text, values) => manager.query(text, values), dirtyDayStatements.markLateDays(reaches, timezone));
  }

  /** The days to compute, as YYYY-MM-DD in order (`relations`: where the lifecycle events are read). */
  async toCatchUp(relations: SourceRelations, query: CatchUpQuery): Promise<string[]> {
    return (await this.query<{ day: string }>(dirtyDayStatements.toCatchUp(relations, query))).map((row) => row.day);
  }

  async clear(start: string, end: string, claimedAt: Date): Promise<void> {
    await this.query(dirtyDayStatements.clear(start, end, claimedAt));
  }
}
