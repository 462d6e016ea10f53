import { Injectable, NotFoundException } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { InjectMetricsOptions } from '../metrics.module-definition.js';
import type { ResolvedMetricsOptions } from '../metrics.options.js';
import { AnnotationsRepository, type AnnotationRow } from '../repositories/annotations.repository.js';
import type { AnnotationDto } from './annotation.dto.js';

export interface AnnotationView {
  id: string;
  day: string;
  label: string;
  tenant: string | null;
  created_by: string;
  created_at: string;
}

function view(row: AnnotationRow): AnnotationView {
  return {
    id: String(row.id),
    day: String(row.day),
    label: String(row.label),
    tenant: row.tenant_id ?? null,
    created_by: String(row.created_by),
    created_at: new Date(row.created_at).toISOString(),
  };
}

/** Annotations of days, per environment: a tenant's view shows its own and the ones of no tenant. */
@Injectable()
export class AnnotationsService {
  constructor(
    private readonly repository: AnnotationsRepository,
    @InjectMetricsOptions() private readonly options: ResolvedMetricsOptions,
  ) {}

  async list(start: string, end: string, tenant: string | null): Promise<AnnotationView[]> {
    return (await this.repository.list(this.options.environment, start, end, tenant)).map(view);
  }

  async create(body: AnnotationDto, by: string, manager: EntityManager): Promise<AnnotationView> {
    const row = await this.repository.insert(
      {
        env: this.options.environment,
        tenant: body.tenant ?? null,
        day: body.day,
        label: body.label.trim(),
        created_by: by,
      },
      manager,
    );
    return view(row);
  }

  async remove(id: string, manager: EntityManager): Promise<AnnotationView> {
    const row = await this.repository.remove(this.options.environment, id, manager);
    if (!row) throw new NotFoundException(`No annotation with id ${id}`);
    return view(row);
  }
}
