import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { run, type Statement } from '../database/statement.js';

/** The statements on `metrics_dirty_day` run by the billing writers, as pure functions (docs/sql/dirty-days.sql). */
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
};

/** The days the catch-up recomputes, as the billing writers (Stripe events and sync, manual revenue) mark them. */
@Injectable()
export class DirtyDaysRepository {
  /** In the caller's transaction, with the billing change that makes the days stale. */
  async markBillingDays(manager: EntityManager, at: Date, timezone: string): Promise<void> {
    await run((text, values) => manager.query(text, values), dirtyDayStatements.markBillingDays(at, timezone));
  }
}
