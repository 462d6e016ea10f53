import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { compileSql } from '../database/named-sql.js';
import { readQuery } from '../database/read-replica.js';
import { InjectMetricsOptions } from '../metrics.module-definition.js';
import type { ResolvedMetricsOptions } from '../metrics.options.js';
import type { AnnotationDto } from './annotation.dto.js';

export interface AnnotationView {
  id: string;
  day: string;
  label: string;
  tenant: string | null;
  created_by: string;
  created_at: string;
}

const COLUMNS = `id::text AS id, day::text AS day, label, tenant_id, created_by, created_at`;

function view(row: Record<string, unknown>): AnnotationView {
  return {
    id: String(row.id),
    day: String(row.day),
    label: String(row.label),
    tenant: (row.tenant_id as string | null) ?? null,
    created_by: String(row.created_by),
    created_at: new Date(row.created_at as string).toISOString(),
  };
}

/** Annotations of days, per environment: a tenant's view shows its own and the ones of no tenant. */
@Injectable()
export class AnnotationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectMetricsOptions() private readonly options: ResolvedMetricsOptions,
  ) {}

  async list(start: string, end: string, tenant: string | null): Promise<AnnotationView[]> {
    const compiled = compileSql(
      `SELECT ${COLUMNS} FROM metrics_annotation
       WHERE environment = :env AND day BETWEEN :start::date AND :end::date
         AND (tenant_id IS NULL OR tenant_id = :tenant::varchar)
       ORDER BY day, id`,
      { env: this.options.environment, start, end, tenant },
    );
    return (await readQuery(this.dataSource, compiled.text, compiled.values)).map(view);
  }

  async create(body: AnnotationDto, by: string, manager: EntityManager): Promise<AnnotationView> {
    const [row] = await manager.query<Record<string, unknown>[]>(
      `INSERT INTO metrics_annotation (environment, tenant_id, day, label, created_by)
       VALUES ($1, $2, $3, $4, $5) RETURNING ${COLUMNS}`,
      [this.options.environment, body.tenant ?? null, body.day, body.label.trim(), by],
    );
    return view(row);
  }

  async remove(id: string, manager: EntityManager): Promise<AnnotationView> {
    const [rows] = await manager.query<[Record<string, unknown>[], number]>(
      `DELETE FROM metrics_annotation WHERE id = $1 AND environment = $2 RETURNING ${COLUMNS}`,
      [id, this.options.environment],
    );
    if (rows.length === 0) throw new NotFoundException(`No annotation with id ${id}`);
    return view(rows[0]);
  }
}
