import { IsOptional, Matches, Validate, ValidatorConstraint, type ValidatorConstraintInterface } from 'class-validator';
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
  @Validate(IsCalendarDateConstraint)
  start: string;

  @Validate(IsCalendarDateConstraint)
  end: string;

  @IsOptional()
  @Matches(TENANT_PATTERN, { message: 'must be 1 to 64 of A-Z, a-z, 0-9, _, . and -' })
  tenant?: string;
}
