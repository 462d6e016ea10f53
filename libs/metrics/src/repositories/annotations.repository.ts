import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { readQuery } from '../database/read-replica.js';
import { run, type Statement } from '../database/statement.js';

const COLUMNS = `id::text AS id, day::text AS day, label, tenant_id, created_by, created_at`;

/** An annotation row as the statements return it. */
export interface AnnotationRow {
  id: string;
  day: string;
  label: string;
  tenant_id: string | null;
  created_by: string;
  created_at: string | Date;
}

export interface NewAnnotation {
  env: string;
  tenant: string | null;
  day: string;
  label: string;
  created_by: string;
}

/** The statements on `metrics_annotation`, as pure functions (rendered in docs/sql/annotations.sql). */
export const annotationStatements = {
  /** A tenant's view shows its own annotations and the ones of no tenant. */
  list: (env: string, start: string, end: string, tenant: string | null): Statement => ({
    sql: `SELECT ${COLUMNS} FROM metrics_annotation
       WHERE environment = :env AND day BETWEEN :start::date AND :end::date
         AND (tenant_id IS NULL OR tenant_id = :tenant::varchar)
       ORDER BY day, id`,
    params: { env, start, end, tenant },
  }),

  insert: (annotation: NewAnnotation): Statement => ({
    sql: `INSERT INTO metrics_annotation (environment, tenant_id, day, label, created_by)
       VALUES (:env, :tenant, :day, :label, :created_by) RETURNING ${COLUMNS}`,
    params: { ...annotation },
  }),

  remove: (env: string, id: string): Statement => ({
    sql: `DELETE FROM metrics_annotation WHERE id = :id AND environment = :env RETURNING ${COLUMNS}`,
    params: { id, env },
  }),
};

/** Annotations of days, per environment (the changes run in the caller's transaction, with their audit record). */
@Injectable()
export class AnnotationsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** On the read replica. */
  list(env: string, start: string, end: string, tenant: string | null): Promise<AnnotationRow[]> {
    return run<AnnotationRow>(
      (text, values) => readQuery(this.dataSource, text, values),
      annotationStatements.list(env, start, end, tenant),
    );
  }

  async insert(annotation: NewAnnotation, manager: EntityManager): Promise<AnnotationRow> {
    const [row] = await run<AnnotationRow>(
      (text, values) => manager.query(text, values),
      annotationStatements.insert(annotation),
    );
    return row;
  }

  /** The removed row, undefined when there was none. */
  async remove(env: string, id: string, manager: EntityManager): Promise<AnnotationRow | undefined> {
    // TypeORM answers a DELETE … RETURNING with [rows, affected].
    const [rows] = (await run(
      (text, values) => manager.query(text, values),
      annotationStatements.remove(env, id),
    )) as unknown as [AnnotationRow[], number];
    return rows[0];
  }
}
