import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { run, type Statement } from '../database/statement.js';

/** How far one late instant's effect reaches around its own local day, in days (null forward: up to today). */
export interface LateReach {
  /** An ISO instant. */
  at: string;
  back: number;
  forward: number | null;
}

/** The statements on `metrics_dirty_day` run by the writers, as pure functions (docs/sql/dirty-days.sql). */
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
};

/**
 * The days the catch-up recomputes, as the writers mark them: the billing writers (Stripe events and sync, manual
 * revenue) and the event writers (POST events, the API interceptor's flushes).
 */
@Injectable()
export class DirtyDaysRepository {
  /** In the caller's transaction, with the billing change that makes the days stale. */
  async markBillingDays(manager: EntityManager, at: Date, timezone: string): Promise<void> {
    await run((text, values) => manager.query(text, values), dirtyDayStatements.markBillingDays(at, timezone));
  }

  /** In the caller's transaction, with the late events that make the days stale. */
  async markLateDays(manager: EntityManager, reaches: readonly LateReach[], timezone: string): Promise<void> {
    if (reaches.length === 0) return;
    await run((text, values) => manager.query(text, values), dirtyDayStatements.markLateDays(reaches, timezone));
  }
}
