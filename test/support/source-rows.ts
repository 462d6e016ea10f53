import type { DataSource } from 'typeorm';
import type { BucketType } from '@exec-metrics/metrics';

/**
 * Writes rows straight into the module's source tables, for tests of the compute that must not depend on
 * the ingest path (the ingest tests cover that path end to end).
 */
export interface SourceRows {
  lifecycle?: [tenant: string | null, user: string, type: string, at: string][];
  activity?: [tenant: string | null, user: string, at: string][];
  activation?: [tenant: string | null, user: string, action: string, at: string][];
  jobs?: [tenant: string | null, status: 'succeeded' | 'failed', started: string, finished: string][];
  ai?: [tenant: string | null, model: string, input: number, output: number, cost: string, at: string][];
  api?: [
    tenant: string | null,
    minute: string,
    requests: number,
    clientErrors: number,
    serverErrors: number,
    latencySum: number,
    histogram: number[],
  ][];
}

export async function insertSourceRows(dataSource: DataSource, rows: SourceRows): Promise<void> {
  for (const [tenant, user, type, at] of rows.lifecycle ?? []) {
    await dataSource.query(
      'INSERT INTO metrics_lifecycle_event (tenant_id, user_id, type, occurred_at) VALUES ($1, $2, $3, $4)',
      [tenant, user, type, at],
    );
  }
  for (const [tenant, user, at] of rows.activity ?? []) {
    await dataSource.query(
      `INSERT INTO metrics_activity_event (tenant_id, user_id, type, occurred_at) VALUES ($1, $2, 'login', $3)`,
      [tenant, user, at],
    );
  }
  for (const [tenant, user, action, at] of rows.activation ?? []) {
    await dataSource.query(
      'INSERT INTO system_activation_event (tenant_id, user_id, action, occurred_at) VALUES ($1, $2, $3, $4)',
      [tenant, user, action, at],
    );
  }
  for (const [tenant, status, started, finished] of rows.jobs ?? []) {
    await dataSource.query(
      `INSERT INTO metrics_job_event (tenant_id, job, status, started_at, finished_at) VALUES ($1, 'job', $2, $3, $4)`,
      [tenant, status, started, finished],
    );
  }
  for (const [tenant, model, input, output, cost, at] of rows.ai ?? []) {
    await dataSource.query(
      `INSERT INTO metrics_ai_usage_event (tenant_id, model, input_tokens, output_tokens, cost_usd, occurred_at)
       VALUES ($1, $2, $3, $4, $5, $6)`,
      [tenant, model, input, output, cost, at],
    );
  }
  for (const [tenant, minute, requests, clientErrors, serverErrors, latencySum, histogram] of rows.api ?? []) {
    await dataSource.query(
      `INSERT INTO metrics_api_request_rollup
         (tenant_id, minute, requests, client_errors, server_errors, latency_sum_ms, latency_histogram)
       VALUES ($1, $2, $3, $4, $5, $6, $7::bigint[])`,
      [tenant, minute, requests, clientErrors, serverErrors, latencySum, `{${histogram.join(',')}}`],
    );
  }
}

/** A snapshot row's metrics as numbers (null stays null), for exact comparisons. */
export async function snapshot(
  dataSource: DataSource,
  bucketType: BucketType,
  date: string,
  tenant: string | null,
): Promise<Record<string, number | null> | undefined> {
  const rows = await dataSource.query<Record<string, unknown>[]>(
    `SELECT * FROM system_metrics_snapshot
     WHERE bucket_type = $1 AND bucket_date = $2::date AND tenant_id IS NOT DISTINCT FROM $3::varchar`,
    [bucketType, date, tenant],
  );
  if (rows.length > 1) throw new Error(`${rows.length} snapshots for one key`);
  if (!rows[0]) return undefined;
  const values: Record<string, number | null> = {};
  for (const [key, value] of Object.entries(rows[0])) {
    if (value === null) values[key] = null;
    else if (typeof value === 'number' || (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value))) {
      values[key] = Number(value);
    }
  }
  return values;
}
