import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsInt,
  IsOptional,
  Matches,
  Max,
  Min,
  Validate,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { TENANT_PATTERN } from '../ingest/event.types.js';
import { isCalendarDate } from './calendar-dates.js';

@ValidatorConstraint({ name: 'calendarDate' })
export class IsCalendarDateConstraint implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && isCalendarDate(value);
  }
  defaultMessage(): string {
    return 'must be a real calendar date as YYYY-MM-DD';
  }
}

export class BackfillDto {
  @ApiProperty({ description: 'First local day to compute', example: '2025-01-01', format: 'date' })
  @Validate(IsCalendarDateConstraint)
  start: string;

  @ApiProperty({ description: 'Last local day to compute (included)', example: '2025-12-31', format: 'date' })
  @Validate(IsCalendarDateConstraint)
  end: string;

  @ApiPropertyOptional({ description: 'Only this tenant (default: the global view and every tenant)', example: 'acme' })
  @IsOptional()
  @Matches(TENANT_PATTERN, { message: 'must be 1 to 64 of A-Z, a-z, 0-9, _, . and -' })
  tenant?: string;
}

export class RunsQueryDto {
  @ApiPropertyOptional({ default: 50, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}
