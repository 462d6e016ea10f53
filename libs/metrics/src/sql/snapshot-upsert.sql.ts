import { METRIC_CATALOG } from '../catalog/metric-catalog.js';
import { quoteIdent } from '../database/named-sql.js';
import type { ComposedSql } from './rollup.sql.js';

const METRIC_COLUMNS = METRIC_CATALOG.map((metric) => quoteIdent(metric.key));
const WRITTEN = [...METRIC_COLUMNS, 'activation_breakdown', 'ai_breakdown', 'computed_at'];

/**
 * Writes finished rows (rollupSql) as snapshots, replacing any row with the same key: recomputing is
 * idempotent, and the NULLS NOT DISTINCT key keeps a single global row.
 */
export function snapshotUpsertSql(rows: ComposedSql, where: string): string {
  return `WITH ${rows.ctes.join(',\n')},
    finished_rows AS (${rows.select})
    INSERT INTO system_metrics_snapshot (bucket_type, bucket_date, tenant_id, environment, ${WRITTEN.join(', ')})
    SELECT :bucket_type::varchar, bucket_date, tenant_id, :env::varchar, ${METRIC_COLUMNS.join(', ')},
           activation_breakdown, ai_breakdown, now()
    FROM finished_rows
    WHERE ${where}
    ON CONFLICT ON CONSTRAINT system_metrics_snapshot_bucket_key DO UPDATE SET
      ${WRITTEN.map((column) => `${column} = EXCLUDED.${column}`).join(', ')}`;
}
