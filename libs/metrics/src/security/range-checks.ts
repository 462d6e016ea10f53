import { Injectable } from '@nestjs/common';
import { isPublicMetricKey } from '../catalog/metric-catalog.js';
import { daysBetween } from '../common/calendar-dates.js';
import { InjectMetricsOptions } from '../metrics.module-definition.js';
import type { ResolvedMetricsOptions } from '../metrics.options.js';
import type { DateRangeDto } from '../common/date-range.dto.js';
import type { BucketType } from '../entities/snapshot.entity.js';
import { badRequest, type FieldError } from '../common/validation.js';
import { SnapshotsRepository } from '../repositories/snapshots.repository.js';

/** The checks a DTO cannot make alone: start ≤ end, the range limit per bucket, known metrics and tenants. */
@Injectable()
export class RangeChecks {
  constructor(
    private readonly snapshots: SnapshotsRepository,
    @InjectMetricsOptions() private readonly options: ResolvedMetricsOptions,
  ) {}

  async check(query: DateRangeDto & { bucket?: BucketType }, metricKeys: string[] = []): Promise<void> {
    const errors: FieldError[] = [];
    if (query.start > query.end) errors.push({ field: 'start', message: 'must not be after end' });
    const bucket = query.bucket ?? 'daily';
    const days = daysBetween(query.start, query.end) + 1;
    const limit = this.options.maxRangeDays[bucket];
    if (days > limit)
      errors.push({
        field: 'end',
        message: `a ${bucket} range may span at most ${limit} days; this one spans ${days}`,
      });
    for (const key of metricKeys.filter((candidate) => !isPublicMetricKey(candidate))) {
      errors.push({ field: 'metric', message: `unknown metric "${key}" (GET catalog lists them)` });
    }
    if (errors.length === 0 && query.tenant) await this.checkTenant(query.tenant, errors);
    if (errors.length > 0) throw badRequest(errors);
  }

  async checkTenant(tenant: string, errors: FieldError[] = []): Promise<void> {
    if (!(await this.snapshots.tenantExists(tenant)))
      errors.push({ field: 'tenant', message: `no metrics for tenant "${tenant}"` });
  }
}
