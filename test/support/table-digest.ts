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
 */
export async function tableDigest(
  dataSource: DataSource,
  ignore: Record<string, string[]> = {},
): Promise<Record<string, string>> {
  const tables = await dataSource.query<{ name: string }[]>(
    `SELECT table_name AS name FROM information_schema.tables
     WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
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
