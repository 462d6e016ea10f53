import { Injectable, NotFoundException } from '@nestjs/common';
import { daysBetween } from '../common/calendar-dates.js';
import { badRequest } from '../common/validation.js';
import { InjectMetricsOptions } from '../metrics.module-definition.js';
import type { ResolvedMetricsOptions } from '../metrics.options.js';
import { AnnotationsRepository, type AnnotationRow } from '../repositories/annotations.repository.js';
import type { AuditEntry } from '../security/audit.service.js';
import { AuditedChange } from '../security/audited-changes.service.js';
import type { AnnotationDto, AnnotationsQueryDto } from './annotation.dto.js';

const ANNOTATION_ID = /^[1-9]\d{0,17}$/;
/** A dashboard range is at most a few years; a longer list is refused rather than read whole. */
const MAX_DAYS = 3_700;

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

/**
 * Annotations of days, per environment: a tenant's view shows its own and the ones of no tenant. Every change
 * is written with its audit record in one transaction.
 */
@Injectable()
export class AnnotationsService {
  constructor(
    private readonly repository: AnnotationsRepository,
    private readonly audited: AuditedChange,
    @InjectMetricsOptions() private readonly options: ResolvedMetricsOptions,
  ) {}

  async list(query: AnnotationsQueryDto): Promise<{ annotations: AnnotationView[] }> {
    if (query.start > query.end) throw badRequest([{ field: 'start', message: 'must not be after end' }]);
    if (daysBetween(query.start, query.end) + 1 > MAX_DAYS) {
      throw badRequest([{ field: 'end', message: `a range may span at most ${MAX_DAYS} days` }]);
    }
    const rows = await this.repository.list(this.options.environment, query.start, query.end, query.tenant ?? null);
    return { annotations: rows.map(view) };
  }

  create(body: AnnotationDto, by: string, entry: Omit<AuditEntry, 'outcome'>): Promise<AnnotationView> {
    return this.audited.run(entry, 201, async (manager) => {
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
      return { result: view(row) };
    });
  }

  remove(id: string, entry: Omit<AuditEntry, 'outcome'>): Promise<AnnotationView> {
    if (!ANNOTATION_ID.test(id)) throw badRequest([{ field: 'id', message: 'must be an annotation id' }]);
    return this.audited.run(entry, 200, async (manager) => {
      const row = await this.repository.remove(this.options.environment, id, manager);
      if (!row) throw new NotFoundException(`No annotation with id ${id}`);
      return { result: view(row) };
    });
  }
}
