import { Injectable } from '@nestjs/common';
import { AnnotationsService } from '../annotations/annotations.service.js';
import { addDays, daysBetween } from '../common/calendar-dates.js';
import { RangeChecks } from '../security/range-checks.js';
import { DashboardReads } from './dashboard-reads.service.js';
import { FIRST_VIEW_READS, type FirstView, type FirstViewQueryDto } from './first-view.dto.js';
import type { RangeQueryDto } from './read-query.dto.js';

/** The period before a range, as long as it: what the dashboard compares with (dates.ts previousRange). */
export function previousRange(start: string, end: string): { start: string; end: string } {
  const length = daysBetween(start, end) + 1;
  return { start: addDays(start, -length), end: addDays(start, -1) };
}

/**
 * The panel's first view in one request: the catalog, the summary of the range and of the period before it, the
 * charts' timeseries and the range's annotations, each through the same service (checks and read cache) as its
 * own route, so the answers are the same. One request instead of five means one audit record instead of five,
 * and on a single-connection database (PGlite) one wait in the queue instead of five.
 */
@Injectable()
export class FirstViewService {
  constructor(
    private readonly reads: DashboardReads,
    private readonly annotations: AnnotationsService,
    private readonly checks: RangeChecks,
  ) {}

  async firstView(query: FirstViewQueryDto): Promise<FirstView> {
    // The filters exactly as GET summary would receive them (absent stays absent: the read cache's key).
    const range: RangeQueryDto = { start: query.start, end: query.end };
    if (query.tenant !== undefined) range.tenant = query.tenant;
    if (query.bucket !== undefined) range.bucket = query.bucket;
    // The range and metrics first, so that a bad filter is refused by its own name, never as the previous period's.
    await this.checks.check(range, [...new Set(query.metric.split(','))]);
    const before = previousRange(query.start, query.end);
    const [summary, previous, timeseries, annotations] = await Promise.all([
      this.reads.summary(range),
      this.reads.summary({ ...range, ...before }),
      this.reads.timeseries({ ...range, metric: query.metric }),
      this.annotations.list({ start: query.start, end: query.end, tenant: query.tenant }),
    ]);
    return {
      reads: FIRST_VIEW_READS,
      previous_range: before,
      catalog: this.reads.catalog(),
      summary,
      previous,
      timeseries,
      annotations,
    };
  }
}
