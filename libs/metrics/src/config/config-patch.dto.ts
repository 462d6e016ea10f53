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
  @IsOptional() @Validate(IsIanaTimezone) timezone?: string;
  @IsOptional() @IsIn(CURRENCIES, { message: 'must be a known ISO 4217 currency code such as USD' }) currency?: string;

  @IsOptional() @IsNumber(money) @Min(0, nonNegative) @Max(1_000_000) churn_spike_threshold_pct?: number;
  @IsOptional() @IsInt() @Min(0, nonNegative) @Max(1_000_000) payment_failure_threshold?: number;
  @IsOptional() @IsNumber(money) @Min(0, nonNegative) @Max(1_000_000) error_rate_threshold_pct?: number;
  @IsOptional() @IsNumber(money) @Min(0, nonNegative) @Max(1_000_000) job_failure_rate_threshold_pct?: number;

  @ValidateIf((_, value) => value !== null && value !== undefined)
  @IsNumber(money)
  @Min(0, nonNegative)
  @Max(1e15)
  monthly_burn_rate?: number | null;
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @IsNumber(money)
  @Max(1e15)
  @Min(-1e15)
  cash_balance?: number | null;
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @Validate(IsCalendarDateConstraint)
  cash_balance_as_of?: string | null;
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @IsNumber(money)
  @Min(0, nonNegative)
  @Max(10_000)
  manual_runway_months?: number | null;

  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @Matches(/^[a-z][a-z0-9_]{0,63}$/, { each: true, message: 'each action must be a lower-case key like file_upload' })
  activation_actions?: string[];

  @IsOptional() @IsBoolean() ai_tracking_enabled?: boolean;
  @IsOptional() @IsBoolean() api_tracking_enabled?: boolean;
  @IsOptional() @IsBoolean() jobs_tracking_enabled?: boolean;

  @IsOptional() @IsObject() @Validate(IsCurrencyRates) currency_rates?: Record<string, number>;
}
