import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { run, type RunsSql, type Statement } from '../database/statement.js';

/**
 * The statements that store ingested events, as pure functions (rendered in docs/sql/events.sql). Each writes a
 * whole batch: the rows come as ONE JSON array parameter (`:rows`) expanded by jsonb_to_recordset, so a batch of
 * 10,000 events is a handful of statements.
 */
export const eventStatements = {
  /** Remembers event ids; answers the ones not seen before (a repeated id is skipped, not stored twice). */
  recordIds: (ids: string[], types: string[]): Statement => ({
    sql: `INSERT INTO metrics_ingested_event (event_id, type)
       SELECT * FROM unnest(:ids::varchar[], :types::varchar[]) ON CONFLICT DO NOTHING RETURNING event_id`,
    params: { ids, types },
  }),

  /** `rows`: [{ tenant, user, type, at }]. */
  insertLifecycle: (rows: string): Statement => ({
    sql: `INSERT INTO metrics_lifecycle_event (tenant_id, user_id, type, occurred_at)
     SELECT tenant, "user", type, at
     FROM jsonb_to_recordset(:rows::jsonb) AS e(tenant varchar, "user" varchar, type varchar, at timestamptz)`,
    params: { rows },
  }),

  /** `rows`: [{ tenant, user, type, at }]. */
  insertActivity: (rows: string): Statement => ({
    sql: `INSERT INTO metrics_activity_event (tenant_id, user_id, type, occurred_at)
     SELECT tenant, "user", type, at
     FROM jsonb_to_recordset(:rows::jsonb) AS e(tenant varchar, "user" varchar, type varchar, at timestamptz)`,
    params: { rows },
  }),

  /** `rows`: [{ tenant, user, action, at }]. */
  insertActivation: (rows: string): Statement => ({
    sql: `INSERT INTO system_activation_event (tenant_id, user_id, action, occurred_at)
     SELECT tenant, "user", action, at
     FROM jsonb_to_recordset(:rows::jsonb) AS e(tenant varchar, "user" varchar, action varchar, at timestamptz)`,
    params: { rows },
  }),

  /** `rows`: [{ tenant, job, status, started_at, at }]. */
  insertJobs: (rows: string): Statement => ({
    sql: `INSERT INTO metrics_job_event (tenant_id, job, status, started_at, finished_at)
     SELECT tenant, job, status, started_at, at
     FROM jsonb_to_recordset(:rows::jsonb)
       AS e(tenant varchar, job varchar, status varchar, started_at timestamptz, at timestamptz)`,
    params: { rows },
  }),

  /** `rows`: [{ tenant, user, model, input_tokens, output_tokens, cost_usd, at }]. */
  insertAiUsage: (rows: string): Statement => ({
    sql: `INSERT INTO metrics_ai_usage_event (tenant_id, user_id, model, input_tokens, output_tokens, cost_usd, occurred_at)
     SELECT tenant, "user", model, input_tokens, output_tokens, cost_usd, at
     FROM jsonb_to_recordset(:rows::jsonb)
       AS e(tenant varchar, "user" varchar, model varchar, input_tokens bigint, output_tokens bigint, cost_usd numeric,
            at timestamptz)`,
    params: { rows },
  }),

  /**
   * Adds per-minute request counts and latency histograms to the rollups (`rows`: [{ tenant_id, minute, route,
   * requests, client_errors, server_errors, latency_sum_ms, histogram }]). The rows must have distinct
   * (tenant, minute, route) keys: an upsert cannot touch a row twice.
   */
  upsertApiRollups: (rows: string): Statement => ({
    sql: `INSERT INTO metrics_api_request_rollup AS t
       (tenant_id, minute, route, requests, client_errors, server_errors, latency_sum_ms, latency_histogram)
     SELECT tenant_id, minute, route, requests, client_errors, server_errors, latency_sum_ms,
            ARRAY(SELECT jsonb_array_elements_text(histogram)::bigint)
     FROM jsonb_to_recordset(:rows::jsonb) AS r(tenant_id varchar, minute timestamptz, route varchar, requests bigint,
       client_errors bigint, server_errors bigint, latency_sum_ms numeric, histogram jsonb)
     ON CONFLICT ON CONSTRAINT metrics_api_request_rollup_key DO UPDATE SET
       requests = t.requests + EXCLUDED.requests,
       client_errors = t.client_errors + EXCLUDED.client_errors,
       server_errors = t.server_errors + EXCLUDED.server_errors,
       latency_sum_ms = t.latency_sum_ms + EXCLUDED.latency_sum_ms,
       latency_histogram = metrics_histogram_add(t.latency_histogram, EXCLUDED.latency_histogram)`,
    params: { rows },
  }),
};

/** The tables events are stored in, and each one's statement. */
export type EventTable = Exclude<keyof typeof eventStatements, 'recordIds'>;

/** The event tables, written on the caller's transaction (EventWriter sorts the events into them). */
@Injectable()
export class EventsRepository {
  /** The ids among `ids` that were not recorded before. */
  async recordIds(manager: EntityManager, ids: string[], types: string[]): Promise<string[]> {
    const rows = await run<{ event_id: string }>(on(manager), eventStatements.recordIds(ids, types));
    return rows.map((row) => row.event_id);
  }

  /** Nothing is run for no rows. */
  async insert(manager: EntityManager, table: EventTable, rows: readonly object[]): Promise<void> {
    if (rows.length > 0) await run(on(manager), eventStatements[table](JSON.stringify(rows)));
  }
}

const on =
  (manager: EntityManager): RunsSql =>
  (text, values) =>
    manager.query(text, values);
