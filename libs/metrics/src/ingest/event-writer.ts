import type { EntityManager } from 'typeorm';
import { ApiRollupAccumulator, type ApiRollup } from './api-rollup.js';
import type { ValidEvent } from './event-validation.js';
import type { MetricsEventType } from '../common/event.types.js';

/**
 * Writes validated events set-based: one statement per source table, the rows passed as one JSON parameter
 * and expanded by jsonb_to_recordset, so a batch of 10,000 events is a handful of statements.
 */
const LIFECYCLE = new Set(['signup', 'deactivate', 'reactivate', 'trial_started', 'trial_converted']);
const ACTIVITY = new Set(['login', 'activity']);

async function insertRows(manager: EntityManager, sql: string, rows: object[]): Promise<void> {
  if (rows.length > 0) await manager.query(sql, [JSON.stringify(rows)]);
}

/** API requests are never stored one by one: they are added to per-minute rollups with a latency histogram. */
function rollUpRequests(events: ValidEvent[]): ApiRollup[] {
  const rollups = new ApiRollupAccumulator();
  for (const event of events) {
    rollups.add({
      tenant: event.tenant,
      at: event.at,
      route: event.route ?? '',
      status: event.status as number,
      durationMs: event.duration_ms ?? 0,
    });
  }
  return rollups.drain();
}

/**
 * Adds rollup rows to metrics_api_request_rollup in ONE statement: the events endpoint and the API metrics
 * interceptor both write through here. Rows must have distinct (tenant, minute, route) keys (an upsert cannot
 * touch a row twice), which ApiRollupAccumulator guarantees.
 */
export async function upsertApiRollups(manager: EntityManager, rollups: readonly ApiRollup[]): Promise<void> {
  await insertRows(
    manager,
    `INSERT INTO metrics_api_request_rollup AS t
       (tenant_id, minute, route, requests, client_errors, server_errors, latency_sum_ms, latency_histogram)
     SELECT tenant_id, minute, route, requests, client_errors, server_errors, latency_sum_ms,
            ARRAY(SELECT jsonb_array_elements_text(histogram)::bigint)
     FROM jsonb_to_recordset($1::jsonb) AS r(tenant_id varchar, minute timestamptz, route varchar, requests bigint,
       client_errors bigint, server_errors bigint, latency_sum_ms numeric, histogram jsonb)
     ON CONFLICT ON CONSTRAINT metrics_api_request_rollup_key DO UPDATE SET
       requests = t.requests + EXCLUDED.requests,
       client_errors = t.client_errors + EXCLUDED.client_errors,
       server_errors = t.server_errors + EXCLUDED.server_errors,
       latency_sum_ms = t.latency_sum_ms + EXCLUDED.latency_sum_ms,
       latency_histogram = metrics_histogram_add(t.latency_histogram, EXCLUDED.latency_histogram)`,
    [...rollups],
  );
}

export async function writeEvents(manager: EntityManager, events: ValidEvent[]): Promise<void> {
  const of = (predicate: (event: ValidEvent) => boolean) => events.filter(predicate);
  await insertRows(
    manager,
    `INSERT INTO metrics_lifecycle_event (tenant_id, user_id, type, occurred_at)
     SELECT tenant, "user", type, at FROM jsonb_to_recordset($1::jsonb) AS e(tenant varchar, "user" varchar, type varchar, at timestamptz)`,
    of((event) => LIFECYCLE.has(event.type)).map(({ tenant, user, type, at }) => ({ tenant, user, type, at })),
  );
  await insertRows(
    manager,
    `INSERT INTO metrics_activity_event (tenant_id, user_id, type, occurred_at)
     SELECT tenant, "user", type, at FROM jsonb_to_recordset($1::jsonb) AS e(tenant varchar, "user" varchar, type varchar, at timestamptz)`,
    of((event) => ACTIVITY.has(event.type)).map(({ tenant, user, type, at }) => ({ tenant, user, type, at })),
  );
  await insertRows(
    manager,
    `INSERT INTO system_activation_event (tenant_id, user_id, action, occurred_at)
     SELECT tenant, "user", action, at FROM jsonb_to_recordset($1::jsonb) AS e(tenant varchar, "user" varchar, action varchar, at timestamptz)`,
    of((event) => event.type === 'activation').map(({ tenant, user, action, at }) => ({ tenant, user, action, at })),
  );
  await insertRows(
    manager,
    `INSERT INTO metrics_job_event (tenant_id, job, status, started_at, finished_at)
     SELECT tenant, job, status, started_at, at
     FROM jsonb_to_recordset($1::jsonb) AS e(tenant varchar, job varchar, status varchar, started_at timestamptz, at timestamptz)`,
    of((event) => event.type === 'job').map(({ tenant, job, status, started_at, at }) => ({
      tenant,
      job,
      status,
      started_at,
      at,
    })),
  );
  await insertRows(
    manager,
    `INSERT INTO metrics_ai_usage_event (tenant_id, user_id, model, input_tokens, output_tokens, cost_usd, occurred_at)
     SELECT tenant, "user", model, input_tokens, output_tokens, cost_usd, at
     FROM jsonb_to_recordset($1::jsonb)
       AS e(tenant varchar, "user" varchar, model varchar, input_tokens bigint, output_tokens bigint, cost_usd numeric, at timestamptz)`,
    of((event) => event.type === 'ai_usage').map(
      ({ tenant, user, model, input_tokens, output_tokens, cost_usd, at }) => ({
        tenant,
        user,
        model,
        input_tokens,
        output_tokens,
        cost_usd,
        at,
      }),
    ),
  );
  await upsertApiRollups(manager, rollUpRequests(of((event) => event.type === 'api_request')));
}

/**
 * How far a late event's effect reaches around its own local day, in days: a login counts in WAU and MAU
 * for the next 29 days; a signup or deactivation changes a running total up to today (null: no end); a key
 * action can become a user's first one and changes the 7-day activation of signups up to 7 days before.
 */
const LATE_REACH: Record<MetricsEventType, { back: number; forward: number | null }> = {
  signup: { back: 0, forward: null },
  deactivate: { back: 0, forward: null },
  reactivate: { back: 0, forward: null },
  trial_started: { back: 0, forward: 0 },
  trial_converted: { back: 0, forward: 0 },
  login: { back: 0, forward: 29 },
  activity: { back: 0, forward: 29 },
  activation: { back: 7, forward: null },
  job: { back: 0, forward: 0 },
  ai_usage: { back: 0, forward: 0 },
  api_request: { back: 0, forward: 0 },
};

/** Every timezone offset is a multiple of 15 minutes: instants rounded down to one keep their local day. */
const QUARTER_HOUR = 900_000;

export function markLateDays(manager: EntityManager, events: ValidEvent[], timezone: string): Promise<void> {
  return markLateInstants(
    manager,
    events.map((event) => ({ at: event.at, type: event.type })),
    timezone,
  );
}

/**
 * Instants of late events (or of the interceptor's rollup minutes, which count as API requests) make the
 * computed days they reach stale: they are marked, and the next scheduled catch-up recomputes them. Days never
 * computed need no mark (the catch-up finds them anyway).
 */
export async function markLateInstants(
  manager: EntityManager,
  late: readonly { at: Date; type: MetricsEventType }[],
  timezone: string,
): Promise<void> {
  if (late.length === 0) return;
  const reaches = new Map<string, { at: string; back: number; forward: number | null }>();
  for (const event of late) {
    const at = new Date(Math.floor(event.at.getTime() / QUARTER_HOUR) * QUARTER_HOUR).toISOString();
    const reach = LATE_REACH[event.type];
    reaches.set(`${at}|${reach.back}|${reach.forward}`, { at, ...reach });
  }
  const list = [...reaches.values()];
  await manager.query(
    `INSERT INTO metrics_dirty_day (day)
     SELECT DISTINCT s.bucket_date
     FROM unnest($1::timestamptz[], $2::int[], $3::int[]) AS r(at, back, forward)
     JOIN system_metrics_snapshot s
       ON s.bucket_type = 'daily' AND s.tenant_id IS NULL
      AND s.bucket_date BETWEEN (r.at AT TIME ZONE $4)::date - r.back
                            AND coalesce((r.at AT TIME ZONE $4)::date + r.forward, 'infinity'::date)
     WHERE s.bucket_date < (now() AT TIME ZONE $4)::date
     ON CONFLICT (day) DO UPDATE SET marked_at = now()`,
    [list.map((r) => r.at), list.map((r) => r.back), list.map((r) => r.forward), timezone],
  );
}
