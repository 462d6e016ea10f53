import { ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  Matches,
  Max,
  Min,
  Validate,
  ValidateIf,
  ValidatorConstraint,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { IsCalendarDateConstraint } from '../compute/backfill.dto.js';

const TIMEZONES = new Set(Intl.supportedValuesOf('timeZone').concat(['UTC', 'Etc/UTC']));
const CURRENCIES = Intl.supportedValuesOf('currency');

@ValidatorConstraint({ name: 'ianaTimezone' })
class IsIanaTimezone implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && TIMEZONES.has(value);
  }
  defaultMessage(): string {
    return 'must be an IANA timezone such as Europe/Paris or UTC';
  }
}

@ValidatorConstraint({ name: 'currencyRates' })
class IsCurrencyRates implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return false;
    return Object.entries(value).every(
      ([code, rate]) => CURRENCIES.includes(code) && typeof rate === 'number' && Number.isFinite(rate) && rate > 0,
    );
  }
  defaultMessage(): string {
    return 'must map known currency codes to positive rates, e.g. {"EUR": 1.08}';
  }
}

const money = { maxDecimalPlaces: 2, allowNaN: false, allowInfinity: false };
const nonNegative = { message: 'must not be negative' };

/** Every field an admin may change; any subset is accepted, unknown fields are refused. */
export class ConfigPatchDto {
  @ApiPropertyOptional({ description: 'Reporting timezone (IANA)', example: 'Europe/Paris' })
  @IsOptional()
  @Validate(IsIanaTimezone)
  timezone?: string;

  @ApiPropertyOptional({ description: 'Reporting currency (ISO 4217)', example: 'USD' })
  @IsOptional()
  @IsIn(CURRENCIES, { message: 'must be a known ISO 4217 currency code such as USD' })
  currency?: string;

  @ApiPropertyOptional({ description: 'Alert when the customer churn rate reaches this %', example: 5 })
  @IsOptional()
  @IsNumber(money)
  @Min(0, nonNegative)
  @Max(1_000_000)
  churn_spike_threshold_pct?: number;

  @ApiPropertyOptional({ description: 'Alert when failed payments in a day reach this count', example: 3 })
  @IsOptional()
  @IsInt()
  @Min(0, nonNegative)
  @Max(1_000_000)
  payment_failure_threshold?: number;

  @ApiPropertyOptional({ description: 'Alert when the API error rate reaches this %', example: 5 })
  @IsOptional()
  @IsNumber(money)
  @Min(0, nonNegative)
  @Max(1_000_000)
  error_rate_threshold_pct?: number;

  @ApiPropertyOptional({ description: 'Alert when the job failure rate reaches this %', example: 10 })
  @IsOptional()
  @IsNumber(money)
  @Min(0, nonNegative)
  @Max(1_000_000)
  job_failure_rate_threshold_pct?: number;

  @ApiPropertyOptional({ description: 'Monthly cash burn', nullable: true, example: 85000 })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @IsNumber(money)
  @Min(0, nonNegative)
  @Max(1e15)
  monthly_burn_rate?: number | null;

  @ApiPropertyOptional({ description: 'Cash balance', nullable: true, example: 1275000 })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @IsNumber(money)
  @Max(1e15)
  @Min(-1e15)
  cash_balance?: number | null;

  @ApiPropertyOptional({ description: 'Date of the cash balance', nullable: true, format: 'date' })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @Validate(IsCalendarDateConstraint)
  cash_balance_as_of?: string | null;

  @ApiPropertyOptional({ description: 'Runway in months, used when no cash balance is given', nullable: true })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @IsNumber(money)
  @Min(0, nonNegative)
  @Max(10_000)
  manual_runway_months?: number | null;

  @ApiPropertyOptional({ description: 'Key actions that count as activation', example: ['file_upload'] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @Matches(/^[a-z][a-z0-9_]{0,63}$/, { each: true, message: 'each action must be a lower-case key like file_upload' })
  activation_actions?: string[];

  @ApiPropertyOptional({ description: 'Compute AI metrics (off: they are null)' })
  @IsOptional()
  @IsBoolean()
  ai_tracking_enabled?: boolean;

  @ApiPropertyOptional({ description: 'Compute API metrics (off: they are null)' })
  @IsOptional()
  @IsBoolean()
  api_tracking_enabled?: boolean;

  @ApiPropertyOptional({ description: 'Compute job metrics (off: they are null)' })
  @IsOptional()
  @IsBoolean()
  jobs_tracking_enabled?: boolean;

  @ApiPropertyOptional({ description: 'Rates to the reporting currency', example: { EUR: 1.08 } })
  @IsOptional()
  @IsObject()
  @Validate(IsCurrencyRates)
  currency_rates?: Record<string, number>;
}
