import type { EntityManager } from 'typeorm';
import type { SnapshotsRepository } from '../repositories/snapshots.repository.js';

/** A bucket where MRR at start + net new MRR ≠ MRR at the end (metrics.md, "Reconciliation"). */
export interface ReconciliationDifference {
  bucket_type: string;
  bucket_date: string;
  tenant: string | null;
  mrr_at_start: number;
  mrr_net_new: number;
  mrr: number;
  /** mrr − (mrr_at_start + mrr_net_new). */
  difference: number;
}

export interface ReconciliationReport {
  start: string;
  end: string;
  tenant: string | null;
  /** Snapshots checked (every bucket type and scope touching the range). */
  checked: number;
  differences: ReconciliationDifference[];
}

/**
 * The reconciliation of [start, end] (global and per tenant, or one tenant): in the caller's transaction when given
 * one (the alert evaluation's), else on the read replica.
 */
export async function reconcile(
  snapshots: SnapshotsRepository,
  request: { start: string; end: string; tenant: string | null },
  manager?: EntityManager,
): Promise<ReconciliationReport> {
  const row = await snapshots.reconciliation(request, manager);
  const rows =
    typeof row.differences === 'string'
      ? (JSON.parse(row.differences) as Exclude<typeof row.differences, string>)
      : row.differences;
  return {
    start: request.start,
    end: request.end,
    tenant: request.tenant,
    checked: Number(row.checked),
    differences: rows.map(({ tenant_id, ...difference }) => ({
      ...difference,
      tenant: tenant_id,
      difference: Math.round(difference.difference * 100) / 100,
    })),
  };
}
