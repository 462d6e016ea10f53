import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { compileSql } from '../database/named-sql.js';
import type { Statement } from '../database/statement.js';
import type { ColumnType } from '../sql/source-relations.js';

/** A column of a host relation as the check reads it from the catalog. */
export type RelationColumn = ColumnType & { column_name: string };

/**
 * The relation's text names a query parameter (`:name`): every compute statement goes through the named-parameter
 * compiler, which would read it as one.
 */
export class RelationParameterError extends Error {}

/**
 * The statements of the start-up check of host relations, as pure functions (docs/sql/source-check.sql). A relation
 * is a table or view name, or a parenthesised SELECT, already checked by SourceRelations; it is interpolated as the
 * compute interpolates it.
 */
export const sourceCheckStatements = {
  /** A view over the relation, so its columns and their types can be read from the catalog. */
  createView: (relation: string): Statement => ({
    sql: `CREATE TEMP VIEW metrics_source_check AS SELECT * FROM ${relation} AS host_rows`,
    params: {},
  }),

  /** The view's columns with their types (a domain as its base type), in order. */
  viewColumns: (): Statement => ({
    sql: `SELECT a.attname AS column_name, format_type(a.atttypid, a.atttypmod) AS display,
        base.typname, base.typcategory AS category
      FROM pg_attribute a
      JOIN pg_type t ON t.oid = a.atttypid
      JOIN pg_type base ON base.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
      WHERE a.attrelid = 'pg_temp.metrics_source_check'::regclass AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    params: {},
  }),

  /** Reads nothing, but plans the relation as the compute reads it (with the casts chosen from its types). */
  readNothing: (from: string): Statement => ({
    sql: `SELECT * FROM ${from} LIMIT 0`,
    params: {},
  }),
};

/**
 * The reads of the source check, each in a transaction that is always rolled back: the view lives only inside it,
 * so nothing is left in the host's database. On the primary.
 */
@Injectable()
export class SourceCheckRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** The relation's columns; throws a RelationParameterError, or the database's error when it cannot be read. */
  async columns(relation: string): Promise<RelationColumn[]> {
    const [, columns] = await this.rolledBack([
      sourceCheckStatements.createView(relation),
      sourceCheckStatements.viewColumns(),
    ]);
    return columns as RelationColumn[];
  }

  /** Throws a RelationParameterError, or the database's error when the relation cannot be read. */
  async read(from: string): Promise<void> {
    await this.rolledBack([sourceCheckStatements.readNothing(from)]);
  }

  private async rolledBack(statements: Statement[]): Promise<unknown[][]> {
    const runner = this.dataSource.createQueryRunner('master');
    try {
      await runner.startTransaction();
      const results: unknown[][] = [];
      for (const statement of statements) {
        // The relation goes through the same named-parameter compiler as every compute statement.
        let text: string;
        try {
          text = compileSql(statement.sql, statement.params).text;
        } catch (error) {
          throw new RelationParameterError((error as Error).message);
        }
        results.push((await runner.query(text)) as unknown[]);
      }
      return results;
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction();
      await runner.release();
    }
  }
}
