import { Injectable } from '@nestjs/common';
import { PUBLIC_METRICS } from '../catalog/metric-catalog.js';
import { badRequest, type FieldError } from '../common/validation.js';
import { ReadCache } from '../repositories/read-cache.service.js';
import { RangeChecks } from '../security/range-checks.js';
import { CohortsService, type CohortRow } from './cohorts.service.js';
import type { CohortsQueryDto, RangeQueryDto, TimeseriesQueryDto } from './read-query.dto.js';
import { SummaryService, type MetricsSummary } from './summary.service.js';
import { TimeseriesService, type BreakdownKind, type Timeseries } from './timeseries.service.js';

export interface CatalogEntry {
  key: string;
  label: string;
  unit: string;
  kind: string;
  group: string;
  description: string;
}

/**
 * The dashboard's reads as the routes ask for them: the checks a DTO cannot make alone (range limits, known
 * metrics and tenants), then the answer from the read cache until the snapshots change.
 */
@Injectable()
export class DashboardReads {
  constructor(
    private readonly summaries: SummaryService,
    private readonly timeseriesReader: TimeseriesService,
    private readonly cohortReader: CohortsService,
    private readonly checks: RangeChecks,
    private readonly cache: ReadCache,
  ) {}

  async summary(query: RangeQueryDto): Promise<MetricsSummary> {
    await this.checks.check(query);
    return this.cache.getOrCompute(`summary:${JSON.stringify(query)}`, () => this.summaries.summary(query));
  }

  async timeseries(query: TimeseriesQueryDto): Promise<Timeseries> {
    const metrics = [...new Set(query.metric.split(','))];
    const breakdowns = [...new Set(query.breakdown?.split(',') ?? [])] as BreakdownKind[];
    await this.checks.check(query, metrics);
    return this.cache.getOrCompute(`timeseries:${JSON.stringify({ ...query, metrics, breakdowns })}`, () =>
      this.timeseriesReader.timeseries({ ...query, metrics, breakdowns }),
    );
  }

  async cohorts(query: CohortsQueryDto): Promise<{ cohorts: CohortRow[] }> {
    if (query.tenant) {
      const errors: FieldError[] = [];
      await this.checks.checkTenant(query.tenant, errors);
      if (errors.length > 0) throw badRequest(errors);
    }
    return { cohorts: await this.cohortReader.cohorts(query.tenant ?? null, query.months ?? 6) };
  }

  catalog(): { metrics: CatalogEntry[] } {
    return {
      metrics: PUBLIC_METRICS.map(({ key, label, unit, kind, group, description }) => ({
        key,
        label,
        unit,
        kind,
        group,
        description,
      })),
    };
  }
}
