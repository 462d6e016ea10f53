import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The audit trail partitioned by month (UTC) on `at`, so a host that keeps years of records can archive old
 * months by detaching them (docs/audit-retention.md). The rows are copied verbatim, hashes included, in id
 * order: the chain is the same chain, it now runs across partitions (verification orders by id, never by
 * partition).
 *
 * - The primary key becomes (id, at): a partitioned table's unique keys must contain the partition key. The id
 *   keeps its sequence and stays unique (only the chain trigger assigns it).
 * - The hash function is typed on the table's row: the old one goes with the old table and is recreated, same
 *   body, on the new row type (the text is the one of migration 1764806400000-audit-chain).
 * - Months exist from the oldest record's to three months ahead; the app creates further months ahead
 *   (AuditPartitionsService, at start-up and daily). A DEFAULT partition catches a record whose month is
 *   missing, so a write never fails for it; the next ensure moves such rows into their month's partition.
 * - metrics_audit_archive keeps, for each month detached for archiving, its record count and the id and hash of
 *   its last record: verification starts the remaining chain from that anchor.
 */
export class AuditPartitions1765180800000 implements MigrationInterface {
  name = 'AuditPartitions1765180800000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE metrics_audit_log RENAME TO metrics_audit_log_unpartitioned`);
    await db.query(`DROP INDEX metrics_audit_log_at, metrics_audit_log_actor_route`);
    await db.query(
      `ALTER TABLE metrics_audit_log_unpartitioned RENAME CONSTRAINT metrics_audit_log_pkey TO metrics_audit_log_unpartitioned_pkey`,
    );
    await db.query(`
      CREATE TABLE metrics_audit_log (
        id bigint NOT NULL DEFAULT nextval('metrics_audit_log_id_seq'),
        at timestamptz NOT NULL DEFAULT now(),
        actor varchar(255) NOT NULL,
        actor_kind varchar(16) NOT NULL,
        ip varchar(64),
        method varchar(8) NOT NULL,
        route varchar(255) NOT NULL,
        action varchar(32) NOT NULL,
        params jsonb NOT NULL DEFAULT '{}'::jsonb,
        changes jsonb,
        outcome integer NOT NULL,
        prev_hash char(64),
        hash char(64),
        PRIMARY KEY (id, at)
      ) PARTITION BY RANGE (at)`);
    await db.query(`ALTER SEQUENCE metrics_audit_log_id_seq OWNED BY metrics_audit_log.id`);
    await db.query(`CREATE TABLE metrics_audit_log_default PARTITION OF metrics_audit_log DEFAULT`);
    await db.query(`
      DO $$
      DECLARE
        month timestamptz;
      BEGIN
        FOR month IN
          SELECT generate_series(
            date_trunc('month', coalesce((SELECT min(at) FROM metrics_audit_log_unpartitioned), now()), 'UTC'),
            date_trunc('month', now(), 'UTC') + interval '3 months', interval '1 month')
        LOOP
          EXECUTE format('CREATE TABLE %I PARTITION OF metrics_audit_log FOR VALUES FROM (%L) TO (%L)',
            'metrics_audit_log_' || to_char(month AT TIME ZONE 'UTC', 'YYYY_MM'),
            to_char(month AT TIME ZONE 'UTC', 'YYYY-MM-DD"T00:00:00Z"'),
            to_char((month AT TIME ZONE 'UTC') + interval '1 month', 'YYYY-MM-DD"T00:00:00Z"'));
        END LOOP;
      END
      $$`);
    await copyRows(db, 'metrics_audit_log_unpartitioned', 'metrics_audit_log');
    await db.query(`DROP FUNCTION metrics_audit_record_hash(text, metrics_audit_log_unpartitioned)`);
    await db.query(`DROP TABLE metrics_audit_log_unpartitioned`);
    await createTableParts(db);
    await db.query(CHAIN_WITH_HEAD_IN_TRANSACTION);
    await db.query(`
      CREATE TABLE metrics_audit_archive (
        month date PRIMARY KEY,
        table_name varchar(63) NOT NULL,
        records bigint NOT NULL,
        first_id bigint,
        last_id bigint,
        last_hash char(64),
        archived_at timestamptz NOT NULL DEFAULT now(),
        archived_by varchar(255) NOT NULL
      )`);
    await db.query(`
      CREATE FUNCTION metrics_audit_archive_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'metrics_audit_archive is append-only: % is not allowed', TG_OP;
      END
      $$`);
    await db.query(`
      CREATE TRIGGER metrics_audit_archive_append_only BEFORE UPDATE OR DELETE ON metrics_audit_archive
      FOR EACH ROW EXECUTE FUNCTION metrics_audit_archive_is_append_only()`);
  }

  async down(db: QueryRunner): Promise<void> {
    const [archived] = (await db.query(`SELECT count(*)::int AS n FROM metrics_audit_archive`)) as { n: number }[];
    if (archived.n > 0) {
      // One table cannot hold the anchor: its verification would report the first record's predecessor missing.
      throw new Error('audit months were archived (metrics_audit_archive): the trail cannot go back to one table');
    }
    await db.query(`DROP TABLE metrics_audit_archive`);
    await db.query(`DROP FUNCTION metrics_audit_archive_is_append_only()`);
    await db.query(`ALTER TABLE metrics_audit_log RENAME TO metrics_audit_log_partitioned`);
    await db.query(`DROP INDEX metrics_audit_log_at, metrics_audit_log_actor_route`);
    await db.query(
      `ALTER TABLE metrics_audit_log_partitioned RENAME CONSTRAINT metrics_audit_log_pkey TO metrics_audit_log_partitioned_pkey`,
    );
    await db.query(`
      CREATE TABLE metrics_audit_log (
        id bigint PRIMARY KEY DEFAULT nextval('metrics_audit_log_id_seq'),
        at timestamptz NOT NULL DEFAULT now(),
        actor varchar(255) NOT NULL,
        actor_kind varchar(16) NOT NULL,
        ip varchar(64),
        method varchar(8) NOT NULL,
        route varchar(255) NOT NULL,
        action varchar(32) NOT NULL,
        params jsonb NOT NULL DEFAULT '{}'::jsonb,
        changes jsonb,
        outcome integer NOT NULL,
        prev_hash char(64),
        hash char(64)
      )`);
    await db.query(`ALTER SEQUENCE metrics_audit_log_id_seq OWNED BY metrics_audit_log.id`);
    await copyRows(db, 'metrics_audit_log_partitioned', 'metrics_audit_log');
    await db.query(`DROP FUNCTION metrics_audit_record_hash(text, metrics_audit_log_partitioned)`);
    await db.query(`DROP TABLE metrics_audit_log_partitioned`);
    await createTableParts(db);
    await db.query(CHAIN_AS_BEFORE);
  }
}

/**
 * The chain trigger, finding the previous record once per transaction. Looking it up (ORDER BY id DESC LIMIT 1)
 * now reads every partition's index; under the advisory lock, which is held until the transaction ends, no other
 * writer can append, so after this transaction's first record the head is the record it appended last: kept in a
 * transaction-local setting (a savepoint rolled back restores it too). Whoever sets it by hand can only produce
 * a record that does not link to its predecessor, which verification reports.
 */
const CHAIN_WITH_HEAD_IN_TRANSACTION = `
  CREATE OR REPLACE FUNCTION metrics_audit_log_chain() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('exec-metrics:audit-chain'));
    -- Under the lock the id is taken again, so id order is chain order even when writers raced for ids
    -- (ids therefore have gaps: removals show in the chain, not in id continuity).
    NEW.id := nextval(pg_get_serial_sequence('metrics_audit_log', 'id'));
    NEW.prev_hash := nullif(current_setting('exec_metrics.audit_chain_head', true), '');
    IF NEW.prev_hash IS NULL THEN
      SELECT hash INTO NEW.prev_hash FROM metrics_audit_log ORDER BY id DESC LIMIT 1;
    END IF;
    NEW.hash := metrics_audit_record_hash(NEW.prev_hash, NEW);
    PERFORM set_config('exec_metrics.audit_chain_head', NEW.hash, true);
    RETURN NEW;
  END
  $$`;

/** The chain trigger of migration 1764806400000-audit-chain. */
const CHAIN_AS_BEFORE = `
  CREATE OR REPLACE FUNCTION metrics_audit_log_chain() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('exec-metrics:audit-chain'));
    -- Under the lock the id is taken again, so id order is chain order even when writers raced for ids
    -- (ids therefore have gaps: removals show in the chain, not in id continuity).
    NEW.id := nextval(pg_get_serial_sequence('metrics_audit_log', 'id'));
    SELECT hash INTO NEW.prev_hash FROM metrics_audit_log ORDER BY id DESC LIMIT 1;
    NEW.hash := metrics_audit_record_hash(NEW.prev_hash, NEW);
    RETURN NEW;
  END
  $$`;

const COLUMNS = 'id, at, actor, actor_kind, ip, method, route, action, params, changes, outcome, prev_hash, hash';

/** Every record, as it is (no trigger on the target yet: the chain is copied, not recomputed), checked. */
async function copyRows(db: QueryRunner, from: string, to: string): Promise<void> {
  await db.query(`INSERT INTO ${to} (${COLUMNS}) SELECT ${COLUMNS} FROM ${from} ORDER BY id`);
  const [{ missing }] = (await db.query(
    `SELECT count(*)::int AS missing FROM (SELECT ${COLUMNS} FROM ${from} EXCEPT ALL SELECT ${COLUMNS} FROM ${to}) m`,
  )) as { missing: number }[];
  if (missing > 0) throw new Error(`${missing} audit record(s) differ after the copy from ${from} to ${to}`);
}

/** The hash function on the new row type, the indexes and the triggers of metrics_audit_log (partitioned or not). */
async function createTableParts(db: QueryRunner): Promise<void> {
  await db.query(`
    CREATE FUNCTION metrics_audit_record_hash(prev text, rec metrics_audit_log) RETURNS text
    LANGUAGE sql STABLE AS $$
      SELECT encode(sha256(convert_to(coalesce(prev, '') || jsonb_build_array(
        rec.id, (extract(epoch FROM rec.at) * 1000000)::bigint, rec.actor, rec.actor_kind, rec.ip,
        rec.method, rec.route, rec.action, rec.params, rec.changes, rec.outcome
      )::text, 'UTF8')), 'hex')
    $$`);
  await db.query(`CREATE INDEX metrics_audit_log_at ON metrics_audit_log (at DESC)`);
  await db.query(`CREATE INDEX metrics_audit_log_actor_route ON metrics_audit_log (actor, route, at DESC)`);
  await db.query(`
    CREATE TRIGGER metrics_audit_log_append_only BEFORE UPDATE OR DELETE ON metrics_audit_log
    FOR EACH ROW EXECUTE FUNCTION metrics_audit_log_is_append_only()`);
  await db.query(`
    CREATE TRIGGER metrics_audit_log_chain BEFORE INSERT ON metrics_audit_log
    FOR EACH ROW EXECUTE FUNCTION metrics_audit_log_chain()`);
}
