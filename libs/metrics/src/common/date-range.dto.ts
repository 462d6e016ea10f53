import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches, Validate, ValidatorConstraint, type ValidatorConstraintInterface } from 'class-validator';
import { TENANT_PATTERN } from './event.types.js';
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

/** start, end (local days, both included) and an optional tenant: what backfills and dashboard reads share. */
export class DateRangeDto {
  @ApiProperty({ description: 'First day (YYYY-MM-DD, reporting timezone)', example: '2025-01-01', format: 'date' })
  @Validate(IsCalendarDateConstraint)
  start: string;

  @ApiProperty({ description: 'Last day, included', example: '2025-12-31', format: 'date' })
  @Validate(IsCalendarDateConstraint)
  end: string;

  @ApiPropertyOptional({ description: 'One tenant; absent: the global view (and, for a backfill, every tenant)' })
  @IsOptional()
  @Matches(TENANT_PATTERN, { message: 'must be 1 to 64 of A-Z, a-z, 0-9, _, . and -' })
  tenant?: string;
}
