/**
 * A bulk write into an empty table, with its indexes built after it instead of kept up to date row by row.
 *
 * A fresh backfill writes every key-action day at once (1.9 million rows at scale 1) into a table with two indexes:
 * the unique key's entries arrive in a random order (the rows are written in day order) and each insert descended
 * the tree, split pages and evicted others: 18.9 s, where the same rows written with no index took 6.8 s and the two
 * indexes then built in 3.7 s (docs/performance-history.md, "seventh session").
 *
 * The indexes and unique constraints are read from the catalog, dropped, and built again from their own definitions
 * after the write, in the caller's transaction: a failure rolls the drop back with the rows. What the migrations
 * define is kept, whatever it is; on a table partitioned by the host, the parent's index is built on every partition
 * again. Only for the table's owner (DDL needs it): a role that may only write rows writes them with the indexes in
 * place. The table is locked against readers until the transaction ends: the caller uses it only where no reader
 * reads the table meanwhile (the key-action days' first fold, before any coverage of them is stored).
 */

type Query = (sql: string, values?: unknown[]) => Promise<unknown>;

interface IndexDefinition {
  /** The index's name as a reference (quoted, qualified when off the search path), or its constraint's, quoted. */
  name: string;
  /** Set for an index that backs a constraint (unique, primary key): it is dropped and added as the constraint. */
  constraint: boolean;
  definition: string;
}

/** The table's indexes as the catalog defines them; none when this role does not own it or another table refers to it. */
async function droppableIndexes(query: Query, table: string): Promise<IndexDefinition[]> {
  return (await query(
    `SELECT coalesce(quote_ident(con.conname), i.indexrelid::regclass::text) AS name, con.oid IS NOT NULL AS constraint,
            -- A partitioned parent's index is defined ON ONLY the parent; built again, it must reach every partition.
            CASE WHEN con.oid IS NOT NULL THEN pg_get_constraintdef(con.oid)
                 ELSE replace(pg_get_indexdef(i.indexrelid), ' ON ONLY ', ' ON ') END AS definition
     FROM pg_index i
     LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid
     WHERE i.indrelid = $1::regclass
       AND (SELECT pg_has_role(owner.relowner, 'USAGE') FROM pg_class owner WHERE owner.oid = $1::regclass)
       AND NOT EXISTS (SELECT 1 FROM pg_constraint fk WHERE fk.confrelid = $1::regclass)
     ORDER BY i.indexrelid`,
    [table],
  )) as IndexDefinition[];
}

/** Runs `write` with `table`'s indexes dropped, then builds them again (see above). */
export async function withIndexesBuiltAfter<T>(query: Query, table: string, write: () => Promise<T>): Promise<T> {
  const indexes = await droppableIndexes(query, table);
  for (const index of indexes) {
    await query(index.constraint ? `ALTER TABLE ${table} DROP CONSTRAINT ${index.name}` : `DROP INDEX ${index.name}`);
  }
  const result = await write();
  for (const index of indexes) {
    await query(
      index.constraint ? `ALTER TABLE ${table} ADD CONSTRAINT ${index.name} ${index.definition}` : index.definition,
    );
  }
  return result;
}
