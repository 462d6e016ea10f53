import { METRIC_CATALOG } from '../catalog/metric-catalog.js';
import { quoteIdent } from '../database/named-sql.js';
import type { ComposedSql } from './rollup.sql.js';
import { tenantFilterOf } from './sql-fragments.js';

const METRIC_COLUMNS = METRIC_CATALOG.map((metric) => quoteIdent(metric.key));
const WRITTEN = [...METRIC_COLUMNS, 'activation_breakdown', 'ai_breakdown', 'computed_at'];

/**
 * Writes finished rows (rollupSql) as snapshots, replacing any row with the same key: recomputing is
 * idempotent, and the NULLS NOT DISTINCT key keeps a single global row. `where` bounds the buckets written (on
 * `bucket_date`): a tenant row among them that the recompute no longer gives is deleted (a billing customer moved to
 * another tenant, a tenant's events deleted), so the buckets equal a computation from scratch. The delete sees the
 * table as it was before the insert (one snapshot), and leaves alone the rows the insert wrote.
 */
export function snapshotUpsertSql(rows: ComposedSql, where: string): string {
  return `WITH ${rows.ctes.join(',\n')},
    finished_rows AS (${rows.select}),
    written AS (
    INSERT INTO system_metrics_snapshot (bucket_type, bucket_date, tenant_id, environment, ${WRITTEN.join(', ')})
    SELECT :bucket_type::varchar, bucket_date, tenant_id, :env::varchar, ${METRIC_COLUMNS.join(', ')},
           activation_breakdown, ai_breakdown, now()
    FROM finished_rows
    WHERE ${where}
    ON CONFLICT ON CONSTRAINT system_metrics_snapshot_bucket_key DO UPDATE SET
      ${WRITTEN.map((column) => `${column} = EXCLUDED.${column}`).join(', ')}
    RETURNING bucket_date, tenant_id)
    DELETE FROM system_metrics_snapshot AS gone
    WHERE gone.environment = :env AND gone.bucket_type = :bucket_type AND gone.tenant_id IS NOT NULL
      AND ${tenantFilterOf('gone')} AND ${where}
      AND NOT EXISTS (SELECT 1 FROM written WHERE written.bucket_date = gone.bucket_date
                                             AND written.tenant_id = gone.tenant_id)`;
}
