import { ApiProperty } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import type { AnnotationView } from '../annotations/annotations.service.js';
import type { CatalogEntry } from './dashboard-reads.service.js';
import { RangeQueryDto } from './read-query.dto.js';
import type { MetricsSummary } from './summary.service.js';
import type { Timeseries } from './timeseries.service.js';

/** The dashboard's filters and the metrics its charts draw: everything the first view of the panel needs. */
export class FirstViewQueryDto extends RangeQueryDto {
  @ApiProperty({ description: 'The timeseries metrics: one catalog key or a comma-separated list', example: 'dau,mrr' })
  @Matches(/^[a-z0-9_]+(,[a-z0-9_]+)*$/, { message: 'must be one or more catalog keys separated by commas' })
  metric: string;
}

/** The reads of a first view, in the order they are answered: what its single audit record names. */
export const FIRST_VIEW_READS = ['catalog', 'summary', 'previous summary', 'timeseries', 'annotations'] as const;

/**
 * Each part is exactly the answer of its own route for the same filters: GET catalog, GET summary, GET summary
 * for the previous period (`previous_range`: as long as the range, ending the day before it starts), GET
 * timeseries and GET annotations.
 */
export interface FirstView {
  reads: readonly string[];
  previous_range: { start: string; end: string };
  catalog: { metrics: CatalogEntry[] };
  summary: MetricsSummary;
  previous: MetricsSummary;
  timeseries: Timeseries;
  annotations: { annotations: AnnotationView[] };
}
