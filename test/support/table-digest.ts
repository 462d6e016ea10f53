import type { DataSource } from 'typeorm';

/**
 * Tables whose rows legitimately change while requests are refused, left out of the digest:
 * - metrics_audit_log: every refused request that reached a handler is recorded, with its 4xx outcome (that is
 *   the point of the audit trail), so it grows;
 * - metrics_lease / metrics_schedule_tick: lease and claim bookkeeping of the scheduler, renewed on a clock.
 * Everything else (sources, snapshots, configuration, tokens, runs, the version row, …) must be identical.
 */
const BOOKKEEPING = new Set(['metrics_audit_log', 'metrics_lease', 'metrics_schedule_tick', 'migrations']);

/**
 * md5 of every row of every table of the current schema, rows in a fixed order: table → digest. `ignore` leaves
 * columns out per table (a token's last_used_at, noted at most once a minute, in a run that lasts minutes).
 * A partitioned table is digested through its parent, which reads every partition's rows; its partitions are not
 * listed again (the audit trail's monthly partitions are thus left out with it). A table detached from one is an
 * ordinary table again and is digested.
 */
export async function tableDigest(
  dataSource: DataSource,
  ignore: Record<string, string[]> = {},
): Promise<Record<string, string>> {
  const tables = await dataSource.query<{ name: string }[]>(
    `SELECT relname AS name FROM pg_class
     WHERE relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema()) AND relkind IN ('r', 'p') AND NOT relispartition
     ORDER BY relname`,
  );
  const digest: Record<string, string> = {};
  for (const { name } of tables.filter((table) => !BOOKKEEPING.has(table.name))) {
    const columns = ignore[name];
    const rowText = columns ? `(to_jsonb(t) - $1::text[])::text` : 't::text';
    const [row] = await dataSource.query<{ n: number; md5: string }[]>(
      `SELECT count(*)::int AS n, coalesce(md5(string_agg(${rowText}, E'\\n' ORDER BY ${rowText})), '') AS md5
       FROM "${name}" t`,
      columns ? [columns] : [],
    );
    digest[name] = `${row.n}:${row.md5}`;
  }
  return digest;
}
