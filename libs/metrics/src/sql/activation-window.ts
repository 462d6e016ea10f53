import type { SourceRelations } from './source-relations.js';

/*
 * The activation window: a signup is activated by a key action of its user within 7 days of it (metrics.md). The daily
 * work counts activated signups with it (source-facts.ts), and each run refreshes the days before its first with it
 * (activation-refresh.sql.ts).
 */

/** A signup is activated by a key action within this many days of it. */
export const ACTIVATION_WINDOW_DAYS = 7;

/** A key action `k` within the activation window of signup `s` (its instant `signup_at`). */
export const withinActivationWindow = (k: string, s: string) =>
  `${k}.occurred_at >= ${s}.signup_at AND ${k}.occurred_at <= ${s}.signup_at + interval '${ACTIVATION_WINDOW_DAYS} days'`;

/**
 * Whether signup `s` (tenant_id, user_id, signup_at) has a key action of its user within the activation window, as two
 * probes (a tenant's, and no tenant's), each an index-only scan of the module's (tenant_id, user_id, occurred_at)
 * INCLUDE (action); one probe with an OR took a bitmap of both and the rows from the heap (~280 ms a night at scale 1).
 */
export function keyActionProbesWithinActivationWindow(rel: SourceRelations): string {
  const probe = (sameTenant: string) => `EXISTS (SELECT 1 FROM ${rel.from('activation', 'k')}
          WHERE ${sameTenant} AND k.user_id = s.user_id AND k.action = ANY(:actions::text[])
            AND ${withinActivationWindow('k', 's')})`;
  return `(${probe('k.tenant_id = s.tenant_id')}
        OR ${probe('s.tenant_id IS NULL AND k.tenant_id IS NULL')})`;
}
