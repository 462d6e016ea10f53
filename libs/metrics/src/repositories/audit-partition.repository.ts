import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { run, type Statement } from '../database/statement.js';

/** A month of the audit trail, as YYYY-MM (UTC). */
export type AuditMonth = string;

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;

/** The partition of a month: its table name and bounds (UTC midnights), as SQL literals the statements inline. */
export function monthPartition(month: AuditMonth): { table: string; from: string; to: string } {
  const match = MONTH.exec(month);
  // DDL takes no bind parameters: only a month matching the pattern ever reaches the SQL text.
  if (!match) throw new Error(`not a month as YYYY-MM: ${month}`);
  const [year, number] = [Number(match[1]), Number(match[2])];
  const next = number === 12 ? `${year + 1}-01` : `${year}-${String(number + 1).padStart(2, '0')}`;
  return {
    table: `metrics_audit_log_${match[1]}_${match[2]}`,
    from: `${month}-01T00:00:00Z`,
    to: `${next}-01T00:00:00Z`,
  };
}

export interface AuditPartitionRow {
  table_name: string;
  month: AuditMonth | null;
}

export interface ArchivedMonthRow {
  records: number;
  first_id: string | null;
  last_id: string | null;
  last_hash: string | null;
}

/**
 * The statements that keep metrics_audit_log's monthly partitions (rendered in docs/sql/audit-partitions.sql).
 * Partition tables are named metrics_audit_log_YYYY_MM; metrics_audit_log_default catches a missing month.
 */
export const auditPartitionStatements = {
  /** One partition manager at a time, whichever instance: held until the transaction ends. */
  lock: (): Statement => ({
    sql: `SELECT pg_advisory_xact_lock(hashtext('exec-metrics:audit-partitions'))`,
    params: {},
  }),

  /** The partitions attached now, with the month a monthly one holds (null for the DEFAULT partition). */
  partitions: (): Statement => ({
    sql: `SELECT c.relname AS table_name,
             CASE WHEN c.relname ~ '^metrics_audit_log_[0-9]{4}_[0-9]{2}$'
                  THEN replace(right(c.relname, 7), '_', '-') END AS month
      FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'metrics_audit_log'::regclass
      ORDER BY c.relname`,
    params: {},
  }),

  /** The months of the records that landed in the DEFAULT partition because their month had none. */
  defaultMonths: (): Statement => ({
    sql: `SELECT DISTINCT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM') AS month
      FROM metrics_audit_log_default ORDER BY 1`,
    params: {},
  }),

  create: (month: AuditMonth): Statement => {
    const { table, from, to } = monthPartition(month);
    return {
      sql: `CREATE TABLE IF NOT EXISTS ${table} PARTITION OF metrics_audit_log FOR VALUES FROM ('${from}') TO ('${to}')`,
      params: {},
    };
  },

  /**
   * A month whose records already sit in the DEFAULT partition cannot get its partition by CREATE … PARTITION OF
   * (PostgreSQL refuses: the DEFAULT partition would violate its new constraint). Its records move, verbatim
   * (hashes included, no trigger on the new table yet), into a new table attached as the month's partition.
   * The DEFAULT partition's append-only trigger is off for that DELETE only: the whole runs in one transaction
   * that holds the parent exclusively, so no other statement sees it off.
   */
  moveFromDefault: (month: AuditMonth): Statement[] => {
    const { table, from, to } = monthPartition(month);
    const columns = 'id, at, actor, actor_kind, ip, method, route, action, params, changes, outcome, prev_hash, hash';
    return [
      { sql: `LOCK TABLE metrics_audit_log IN ACCESS EXCLUSIVE MODE`, params: {} },
      { sql: `CREATE TABLE ${table} (LIKE metrics_audit_log INCLUDING DEFAULTS INCLUDING CONSTRAINTS)`, params: {} },
      { sql: `ALTER TABLE metrics_audit_log_default DISABLE TRIGGER metrics_audit_log_append_only`, params: {} },
      {
        sql: `WITH moved AS (
            DELETE FROM metrics_audit_log_default WHERE at >= '${from}' AND at < '${to}' RETURNING ${columns})
          INSERT INTO ${table} (${columns}) SELECT ${columns} FROM moved`,
        params: {},
      },
      { sql: `ALTER TABLE metrics_audit_log_default ENABLE TRIGGER metrics_audit_log_append_only`, params: {} },
      {
        sql: `ALTER TABLE metrics_audit_log ATTACH PARTITION ${table} FOR VALUES FROM ('${from}') TO ('${to}')`,
        params: {},
      },
    ];
  },

  /** Whether a table of that name exists that is not a partition (a month detached and not dropped yet). */
  detachedTable: (month: AuditMonth): Statement => ({
    sql: `SELECT 1 FROM pg_class WHERE oid = to_regclass(:table) AND NOT relispartition`,
    params: { table: monthPartition(month).table },
  }),

  /** Writers wait while months are archived, so no record lands between the checks and the detach. */
  lockWrites: (): Statement => ({ sql: `LOCK TABLE metrics_audit_log IN SHARE ROW EXCLUSIVE MODE`, params: {} }),

  /**
   * The archived months must be a prefix of the chain: every record they hold comes before (in id order)
   * every record that stays. Answers the first record that stays but is older in the chain, if any.
   */
  notAPrefix: (tables: string[]): Statement => ({
    sql: `SELECT min(a.id)::text AS staying_id, (SELECT max(id) FROM metrics_audit_log
             WHERE tableoid::regclass::text = ANY(:tables))::text AS archived_id
      FROM metrics_audit_log a
      WHERE a.tableoid::regclass::text <> ALL(:tables)
      HAVING min(a.id) < (SELECT max(id) FROM metrics_audit_log WHERE tableoid::regclass::text = ANY(:tables))`,
    params: { tables },
  }),

  /** What a month's partition holds, for its archive row: count, first and last record, the last one's hash. */
  monthSummary: (month: AuditMonth): Statement => {
    const { table } = monthPartition(month);
    return {
      sql: `SELECT count(*)::int AS records, min(id)::text AS first_id, max(id)::text AS last_id,
               (SELECT hash FROM ${table} ORDER BY id DESC LIMIT 1) AS last_hash
        FROM ${table}`,
      params: {},
    };
  },

  recordArchive: (month: AuditMonth, summary: ArchivedMonthRow, by: string): Statement => ({
    sql: `INSERT INTO metrics_audit_archive (month, table_name, records, first_id, last_id, last_hash, archived_by)
      VALUES (:month::date, :table, :records, :first_id, :last_id, :last_hash, :by)`,
    params: { month: `${month}-01`, table: monthPartition(month).table, ...summary, by },
  }),

  detach: (month: AuditMonth): Statement => ({
    sql: `ALTER TABLE metrics_audit_log DETACH PARTITION ${monthPartition(month).table}`,
    params: {},
  }),
};

type Runs = (manager: EntityManager) => <T = Record<string, unknown>>(statement: Statement) => Promise<T[]>;
const runner: Runs = (manager) => (statement) => run((text, values) => manager.query(text, values), statement);

/** Runs the partition statements, each call in the transaction it is given. */
@Injectable()
export class AuditPartitionRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  transaction<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(work);
  }

  async lock(manager: EntityManager): Promise<void> {
    await runner(manager)(auditPartitionStatements.lock());
  }

  partitions(manager: EntityManager): Promise<AuditPartitionRow[]> {
    return runner(manager)<AuditPartitionRow>(auditPartitionStatements.partitions());
  }

  async defaultMonths(manager: EntityManager): Promise<AuditMonth[]> {
    const rows = await runner(manager)<{ month: string }>(auditPartitionStatements.defaultMonths());
    return rows.map((row) => row.month);
  }

  async isDetachedTable(manager: EntityManager, month: AuditMonth): Promise<boolean> {
    return (await runner(manager)(auditPartitionStatements.detachedTable(month))).length > 0;
  }

  async create(manager: EntityManager, month: AuditMonth): Promise<void> {
    await runner(manager)(auditPartitionStatements.create(month));
  }

  async moveFromDefault(manager: EntityManager, month: AuditMonth): Promise<void> {
    for (const statement of auditPartitionStatements.moveFromDefault(month)) await runner(manager)(statement);
  }

  async lockWrites(manager: EntityManager): Promise<void> {
    await runner(manager)(auditPartitionStatements.lockWrites());
  }

  async notAPrefix(
    manager: EntityManager,
    tables: string[],
  ): Promise<{ staying_id: string; archived_id: string } | undefined> {
    const [row] = await runner(manager)<{ staying_id: string; archived_id: string }>(
      auditPartitionStatements.notAPrefix(tables),
    );
    return row;
  }

  async monthSummary(manager: EntityManager, month: AuditMonth): Promise<ArchivedMonthRow> {
    const [row] = await runner(manager)<ArchivedMonthRow>(auditPartitionStatements.monthSummary(month));
    return row;
  }

  async archive(manager: EntityManager, month: AuditMonth, summary: ArchivedMonthRow, by: string): Promise<void> {
    await runner(manager)(auditPartitionStatements.recordArchive(month, summary, by));
    await runner(manager)(auditPartitionStatements.detach(month));
  }
}
