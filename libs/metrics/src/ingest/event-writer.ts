import type { EntityManager } from 'typeorm';
import { LATENCY_BUCKETS_MS } from '../catalog/metric-catalog.js';
import type { ValidEvent } from './event-validation.js';
import type { MetricsEventType } from './event.types.js';

/**
 * Writes validated events set-based: one statement per source table, the rows passed as one JSON parameter
 * and expanded by jsonb_to_recordset, so a batch of 10,000 events is a handful of statements.
 */
const LIFECYCLE = new Set(['signup', 'deactivate', 'reactivate', 'trial_started', 'trial_converted']);
const ACTIVITY = new Set(['login', 'activity']);

async function insertRows(manager: EntityManager, sql: string, rows: object[]): Promise<void> {
  if (rows.length > 0) await manager.query(sql, [JSON.stringify(rows)]);
}

/** The histogram slot of a duration: slot i (0-based) holds [bound[i-1], bound[i]); the last is open-ended. */
export function latencySlot(durationMs: number): number {
  let slot = 0;
  while (slot < LATENCY_BUCKETS_MS.length && durationMs >= LATENCY_BUCKETS_MS[slot]) slot += 1;
  return slot;
}

interface ApiRollup {
  tenant_id: string | null;
  minute: string;
  route: string;
  requests: number;
  client_errors: number;
  server_errors: number;
  latency_sum_ms: number;
  histogram: number[];
}

/** API requests are never stored one by one: they are added to per-minute rollups with a latency histogram. */
function rollUpRequests(events: ValidEvent[]): ApiRollup[] {
  const rollups = new Map<string, ApiRollup>();
  for (const event of events) {
    const minute = new Date(Math.floor(event.at.getTime() / 60_000) * 60_000).toISOString();
    const route = event.route ?? '';
    const key = JSON.stringify([event.tenant, minute, route]);
    let rollup = rollups.get(key);
    if (!rollup) {
      rollup = {
        tenant_id: event.tenant,
        minute,
        route,
        requests: 0,
        client_errors: 0,
        server_errors: 0,
        latency_sum_ms: 0,
        histogram: new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0),
      };
      rollups.set(key, rollup);
    }
    const status = event.status as number;
    const duration = event.duration_ms ?? 0;
    rollup.requests += 1;
    if (status >= 400 && status < 500) rollup.client_errors += 1;
    if (status >= 500) rollup.server_errors += 1;
    rollup.latency_sum_ms += duration;
    rollup.histogram[latencySlot(duration)] += 1;
  }
  return [...rollups.values()].map((rollup) => ({
    ...rollup,
    latency_sum_ms: Math.round(rollup.latency_sum_ms * 100) / 100,
  }));
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
    rollUpRequests(of((event) => event.type === 'api_request')),
  );
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

/**
 * An event for a past day that already has snapshots makes the days it reaches stale: they are marked, and
 * the next scheduled catch-up recomputes them. Days never computed need no mark (the catch-up finds them anyway).
 */
export async function markLateDays(manager: EntityManager, events: ValidEvent[], timezone: string): Promise<void> {
  if (events.length === 0) return;
  const reaches = new Map<string, { at: string; back: number; forward: number | null }>();
  for (const event of events) {
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
