import type { EntityManager } from 'typeorm';

/**
 * A billing change that took effect in the past changes that day's flows and every later day's stocks
 * (MRR is a running total), so every computed day from then to yesterday is marked for the catch-up.
 */
export async function markBillingDaysDirty(manager: EntityManager, at: Date, timezone: string): Promise<void> {
  await manager.query(
    `INSERT INTO metrics_dirty_day (day)
     SELECT s.bucket_date FROM system_metrics_snapshot s
     WHERE s.bucket_type = 'daily' AND s.tenant_id IS NULL
       AND s.bucket_date >= ($1::timestamptz AT TIME ZONE $2)::date
       AND s.bucket_date < (now() AT TIME ZONE $2)::date
     GROUP BY s.bucket_date
     ON CONFLICT (day) DO UPDATE SET marked_at = now()`,
    [at, timezone],
  );
}
