import type { EntityManager } from 'typeorm';
import { ApiRollupAccumulator, type ApiRollup } from './api-rollup.js';
import type { ValidEvent } from './event-validation.js';

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
 * An event for a past day that already has snapshots makes that day stale: it is marked, and the next
 * scheduled catch-up recomputes it. Days never computed need no mark (the catch-up finds them anyway).
 */
/** Every timezone offset is a multiple of 15 minutes: instants rounded down to one keep their local day. */
const QUARTER_HOUR = 900_000;

export function markLateDays(manager: EntityManager, events: ValidEvent[], timezone: string): Promise<void> {
  return markLateInstants(
    manager,
    events.map((event) => event.at),
    timezone,
  );
}

/** markLateDays for bare instants (the interceptor's rollup minutes). */
export async function markLateInstants(manager: EntityManager, at: readonly Date[], timezone: string): Promise<void> {
  if (at.length === 0) return;
  const instants = [...new Set(at.map((instant) => Math.floor(instant.getTime() / QUARTER_HOUR)))].map((quarter) =>
    new Date(quarter * QUARTER_HOUR).toISOString(),
  );
  await manager.query(
    `INSERT INTO metrics_dirty_day (day)
     SELECT DISTINCT (at AT TIME ZONE $2)::date FROM unnest($1::timestamptz[]) AS at
     WHERE (at AT TIME ZONE $2)::date < (now() AT TIME ZONE $2)::date
       AND EXISTS (SELECT 1 FROM system_metrics_snapshot s
                   WHERE s.bucket_type = 'daily' AND s.tenant_id IS NULL AND s.bucket_date = (at AT TIME ZONE $2)::date)
     ON CONFLICT (day) DO UPDATE SET marked_at = now()`,
    [instants, timezone],
  );
}
