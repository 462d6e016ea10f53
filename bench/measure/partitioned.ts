import type { BenchDb } from '../bench-db.js';
import { SOURCE_TIME_COLUMNS } from './floor.js';

/**
 * Every snapshot and cohort row (without ids, computation times and a cohort's bookkeeping of what it was computed for), hashed: two computations of the same
 * data agree exactly when their digests are equal.
 */
export async function snapshotDigest(db: BenchDb): Promise<string> {
  const [row] = await db.query<{ digest: string }>(
    `SELECT md5(
       coalesce((SELECT string_agg((to_jsonb(s) - 'id' - 'computed_at')::text, '|'
                 ORDER BY s.bucket_type, s.bucket_date, s.tenant_id NULLS FIRST) FROM system_metrics_snapshot s), '') ||
       coalesce((SELECT string_agg((to_jsonb(c) - 'id' - 'computed_at' - 'computed_as_of' - 'computed_inputs')::text, '|'
                 ORDER BY c.cohort_month, c.tenant_id NULLS FIRST) FROM system_cohort_retention c), '')) AS digest`,
  );
  return row.digest;
}

/**
 * Rebuilds each source table as PARTITION BY HASH (tenant_id) with `partitions` partitions — the layout of a
 * distributed PostgreSQL such as Citus with tenant_id as distribution column — keeping its name, columns,
 * defaults, id sequence, indexes and rows. A partitioned table's unique keys must contain the partition key,
 * so the primary key on id becomes a plain index (ids still come from the same sequence).
 */
export async function partitionSources(db: BenchDb, partitions: number): Promise<void> {
  for (const table of Object.keys(SOURCE_TIME_COLUMNS)) {
    const indexes = await db.query<{ name: string; definition: string }>(
      `SELECT i.indexname AS name, i.indexdef AS definition FROM pg_indexes i
       WHERE i.tablename = $1 AND i.schemaname = current_schema()
         AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)`,
      [table],
    );
    const uniques = await db.query<{ name: string; definition: string }>(
      `SELECT conname AS name, pg_get_constraintdef(oid) AS definition FROM pg_constraint
       WHERE conrelid = $1::regclass AND contype = 'u'`,
      [table],
    );
    const [{ sequence }] = await db.query<{ sequence: string }>(`SELECT pg_get_serial_sequence($1, 'id') AS sequence`, [
      table,
    ]);
    await db.query(`ALTER TABLE ${table} RENAME TO ${table}_plain`);
    for (const index of indexes) await db.query(`ALTER INDEX ${index.name} RENAME TO ${index.name}_plain`);
    for (const unique of uniques)
      await db.query(`ALTER TABLE ${table}_plain RENAME CONSTRAINT ${unique.name} TO ${unique.name}_plain`);
    await db.query(`CREATE TABLE ${table} (LIKE ${table}_plain INCLUDING DEFAULTS) PARTITION BY HASH (tenant_id)`);
    await createHashPartitions(db, table, partitions);
    await db.query(`ALTER SEQUENCE ${sequence} OWNED BY ${table}.id`);
    await db.query(`INSERT INTO ${table} SELECT * FROM ${table}_plain`);
    await db.query(`DROP TABLE ${table}_plain`);
    await db.query(`CREATE INDEX ${table}_id ON ${table} (id)`);
    for (const index of indexes) await db.query(index.definition);
    // NULLS NOT DISTINCT keys (the API rollup's upsert target) stay unique once they include tenant_id.
    for (const unique of uniques) {
      if (unique.definition.includes('tenant_id')) {
        await db.query(`ALTER TABLE ${table} ADD CONSTRAINT ${unique.name} ${unique.definition}`);
      }
    }
    await db.query(`ANALYZE ${table}`);
  }
}

/**
 * The per-user activity state, hash-partitioned by tenant_id like the sources (it is derived: rebuilt empty, the
 * next backfill folds it). Its unique key contains tenant_id, so it stays a unique key of the partitioned table.
 */
export async function partitionActivityState(db: BenchDb, partitions: number): Promise<void> {
  const table = 'metrics_user_activity';
  await db.query(`DROP TABLE ${table}`);
  await db.query(`
    CREATE TABLE ${table} (
      tenant_id varchar, user_id varchar NOT NULL, year int NOT NULL, days bit(366) NOT NULL,
      first_day date NOT NULL, last_day date NOT NULL,
      last_month date GENERATED ALWAYS AS (date_trunc('month', last_day::timestamp)::date) STORED,
      CONSTRAINT ${table}_key UNIQUE NULLS NOT DISTINCT (tenant_id, user_id, year)
    ) PARTITION BY HASH (tenant_id)`);
  await createHashPartitions(db, table, partitions);
  await db.query(`CREATE INDEX ${table}_last_month ON ${table} (tenant_id, last_month)`);
  await db.query(`CREATE INDEX ${table}_recent ON ${table} (last_month)`);
  await db.query('TRUNCATE metrics_user_activity_coverage');
}

/** The key-action days, hash-partitioned by tenant_id the same way (derived: rebuilt empty, the next backfill folds them). */
export async function partitionKeyActionDays(db: BenchDb, partitions: number): Promise<void> {
  const table = 'metrics_key_action_day';
  await db.query(`DROP TABLE ${table}`);
  await db.query(`
    CREATE TABLE ${table} (
      tenant_id varchar, action varchar NOT NULL, user_id varchar NOT NULL, day date NOT NULL, previous_day date
    ) PARTITION BY HASH (tenant_id)`);
  await createHashPartitions(db, table, partitions);
  await db.query(
    `CREATE UNIQUE INDEX ${table}_key ON ${table} (user_id COLLATE "C", tenant_id, action COLLATE "C", day) NULLS NOT DISTINCT`,
  );
  await db.query(`CREATE INDEX ${table}_range ON ${table} (day) INCLUDE (tenant_id, action, previous_day)`);
  await db.query(
    'TRUNCATE metrics_key_action_day_coverage, metrics_key_action_global_day, metrics_key_action_tenant_day',
  );
}

/** The per-user lifecycle state, hash-partitioned by tenant_id the same way (derived: rebuilt empty, refolded). */
export async function partitionLifecycleState(db: BenchDb, partitions: number): Promise<void> {
  const table = 'metrics_user_lifecycle';
  await db.query(`DROP TABLE ${table}`);
  await db.query(`
    CREATE TABLE ${table} (
      tenant_id varchar, user_id varchar NOT NULL, first_signup_at timestamptz, signups int NOT NULL,
      last_event_at timestamptz NOT NULL, active boolean NOT NULL,
      CONSTRAINT ${table}_key UNIQUE NULLS NOT DISTINCT (tenant_id, user_id)
    ) PARTITION BY HASH (tenant_id)`);
  await createHashPartitions(db, table, partitions);
  await db.query('TRUNCATE metrics_user_lifecycle_coverage');
}

/** The stored daily work, hash-partitioned by tenant_id the same way (derived: rebuilt empty, kept by the runs). */
export async function partitionDailyWork(db: BenchDb, partitions: number): Promise<void> {
  const table = 'metrics_daily_work';
  await db.query(`DROP TABLE ${table}`);
  await db.query(`
    CREATE TABLE ${table} (
      environment varchar NOT NULL, is_global boolean NOT NULL, tenant_id varchar, day date NOT NULL,
      work jsonb NOT NULL, inputs text NOT NULL, work_from date NOT NULL, computed_as_of timestamptz NOT NULL,
      CONSTRAINT ${table}_key UNIQUE NULLS NOT DISTINCT (environment, tenant_id, day, is_global)
    ) PARTITION BY HASH (tenant_id)`);
  await createHashPartitions(db, table, partitions);
  await db.query(`CREATE INDEX ${table}_day ON ${table} (environment, day)`);
}

/** The stored billing movements, hash-partitioned by tenant_id the same way (derived: rebuilt by the next run). */
export async function partitionBillingMovements(db: BenchDb, partitions: number): Promise<void> {
  const table = 'metrics_billing_movement';
  await db.query(`DROP TABLE ${table}`);
  await db.query(`
    CREATE TABLE ${table} (
      tenant_id varchar, customer_id varchar NOT NULL, day date NOT NULL, mrr_before numeric NOT NULL,
      mrr_after numeric NOT NULL, had_mrr boolean NOT NULL, paying_since date
    ) PARTITION BY HASH (tenant_id)`);
  await createHashPartitions(db, table, partitions);
  await db.query(
    `CREATE INDEX ${table}_day ON ${table} (day) INCLUDE (tenant_id, mrr_before, mrr_after, paying_since)`,
  );
  await db.query('TRUNCATE metrics_billing_movement_coverage');
}

/** `partitions` hash partitions of a table created PARTITION BY HASH (tenant_id), named after it. */
async function createHashPartitions(db: BenchDb, table: string, partitions: number): Promise<void> {
  for (let remainder = 0; remainder < partitions; remainder += 1) {
    await db.query(
      `CREATE TABLE ${table}_p${remainder} PARTITION OF ${table} FOR VALUES WITH (MODULUS ${partitions}, REMAINDER ${remainder})`,
    );
  }
}
