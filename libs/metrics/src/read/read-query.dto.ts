import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min, Validate } from 'class-validator';
import { IsCalendarDateConstraint } from '../compute/backfill.dto.js';
import { BUCKET_TYPES, type BucketType } from '../entities/snapshot.entity.js';
import { TENANT_PATTERN } from '../ingest/event.types.js';

const TENANT_MESSAGE = { message: 'must be 1 to 64 of A-Z, a-z, 0-9, _, . and -' };

/** start, end, tenant?, bucket?: the filters every dashboard read shares. */
export class RangeQueryDto {
  @Validate(IsCalendarDateConstraint)
  start: string;

  @Validate(IsCalendarDateConstraint)
  end: string;

  @IsOptional()
  @Matches(TENANT_PATTERN, TENANT_MESSAGE)
  tenant?: string;

  @IsOptional()
  @IsIn(BUCKET_TYPES, { message: `must be one of ${BUCKET_TYPES.join(', ')}` })
  bucket?: BucketType;
}

export class TimeseriesQueryDto extends RangeQueryDto {
  /** One catalog key or a comma-separated list (checked against the catalog by the controller). */
  @Matches(/^[a-z0-9_]+(,[a-z0-9_]+)*$/, { message: 'must be one or more catalog keys separated by commas' })
  metric: string;
}

export class CohortsQueryDto {
  @IsOptional()
  @Matches(TENANT_PATTERN, TENANT_MESSAGE)
  tenant?: string;

  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'must be a whole number' })
  @Min(1)
  @Max(36)
  months?: number;
}
