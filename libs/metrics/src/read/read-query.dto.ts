import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { DateRangeDto } from '../common/date-range.dto.js';
import { BUCKET_TYPES, type BucketType } from '../entities/snapshot.entity.js';
import { TENANT_PATTERN } from '../common/event.types.js';
import { OptionalWholeNumber } from '../common/whole-number-param.js';

const TENANT_MESSAGE = { message: 'must be 1 to 64 of A-Z, a-z, 0-9, _, . and -' };

/** start, end, tenant?, bucket?: the filters every dashboard read shares. */
export class RangeQueryDto extends DateRangeDto {
  @ApiPropertyOptional({ enum: BUCKET_TYPES, default: 'daily' })
  @IsOptional()
  @IsIn(BUCKET_TYPES, { message: `must be one of ${BUCKET_TYPES.join(', ')}` })
  bucket?: BucketType;
}

export class TimeseriesQueryDto extends RangeQueryDto {
  /** One catalog key or a comma-separated list (checked against the catalog by the controller). */
  @ApiProperty({ description: 'One catalog key or a comma-separated list (GET catalog)', example: 'dau,wau,mau' })
  @Matches(/^[a-z0-9_]+(,[a-z0-9_]+)*$/, { message: 'must be one or more catalog keys separated by commas' })
  metric: string;

  /** Breakdowns per bucket as well: ai (per model), activation (per key action), plan (MRR per plan at the end). */
  @ApiPropertyOptional({
    description: 'Comma list of ai, activation, plan: breakdowns per bucket (plan: MRR per price at the bucket end)',
    example: 'ai',
  })
  @IsOptional()
  @Matches(/^(ai|activation|plan)(,(ai|activation|plan)){0,2}$/, {
    message: 'must be a comma list of ai, activation and plan',
  })
  breakdown?: string;
}

export class CohortsQueryDto {
  @ApiPropertyOptional({ description: 'A tenant; absent: all tenants', example: 'acme' })
  @IsOptional()
  @Matches(TENANT_PATTERN, TENANT_MESSAGE)
  tenant?: string;

  @OptionalWholeNumber({ description: 'How many of the newest cohorts', default: 6, minimum: 1, maximum: 36 })
  months?: number;
}
