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
  Matches,
  Max,
  Min,
  Validate,
  ValidateIf,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { IsCalendarDateConstraint } from '../common/date-range.dto.js';
import { MRR_DISCOUNT_CONVENTIONS, type MrrDiscountConvention } from '../entities/revenue-conventions.types.js';
import { OptionalNotNull } from '../common/optional-not-null.js';

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

const PRICE_FIELDS = ['input_per_1m', 'output_per_1m'];
const MAX_PRICED_MODELS = 500;

/** The first problem of an AI price table, or null when it is valid. */
function aiPriceProblem(value: unknown): string | null {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    return 'must map model names to {"input_per_1m": USD, "output_per_1m": USD}';
  }
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length > MAX_PRICED_MODELS) return `may price at most ${MAX_PRICED_MODELS} models`;
  for (const [model, price] of entries) {
    if (model.length === 0 || model.length > 128) return 'model names must have 1 to 128 characters';
    if (!price || typeof price !== 'object' || Array.isArray(price)) {
      return `${model}: must be {"input_per_1m": USD, "output_per_1m": USD}`;
    }
    const keys = Object.keys(price);
    const extra = keys.find((key) => !PRICE_FIELDS.includes(key));
    if (extra) return `${model}.${extra} is not a price field (input_per_1m, output_per_1m)`;
    for (const field of PRICE_FIELDS) {
      const amount = (price as Record<string, unknown>)[field];
      const valid =
        typeof amount === 'number' &&
        Number.isFinite(amount) &&
        amount >= 0 &&
        amount <= 1_000_000 &&
        /^\d+(\.\d{1,6})?$/.test(String(amount));
      if (!valid) return `${model}.${field} must be a number of USD per million tokens, ≥ 0, at most 6 decimals`;
    }
  }
  return null;
}

@ValidatorConstraint({ name: 'aiPrices' })
class IsAiPriceTable implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return aiPriceProblem(value) === null;
  }
  defaultMessage(args: ValidationArguments): string {
    return `ai_prices: ${aiPriceProblem(args.value) ?? 'is invalid'}`;
  }
}

const money = { maxDecimalPlaces: 2, allowNaN: false, allowInfinity: false };
const nonNegative = { message: 'must not be negative' };

/** Every field an admin may change; any subset is accepted, unknown fields are refused. */
export class ConfigPatchDto {
  @ApiPropertyOptional({ description: 'Reporting timezone (IANA)', example: 'Europe/Paris' })
  @OptionalNotNull()
  @Validate(IsIanaTimezone)
  timezone?: string;

  @ApiPropertyOptional({ description: 'Reporting currency (ISO 4217)', example: 'USD' })
  @OptionalNotNull()
  @IsIn(CURRENCIES, { message: 'must be a known ISO 4217 currency code such as USD' })
  currency?: string;

  @ApiPropertyOptional({ description: 'Alert when the customer churn rate reaches this %', example: 5 })
  @OptionalNotNull()
  @IsNumber(money)
  @Min(0, nonNegative)
  @Max(1_000_000)
  churn_spike_threshold_pct?: number;

  @ApiPropertyOptional({ description: 'Alert when failed payments in a day reach this count', example: 3 })
  @OptionalNotNull()
  @IsInt()
  @Min(0, nonNegative)
  @Max(1_000_000)
  payment_failure_threshold?: number;

  @ApiPropertyOptional({ description: 'Alert when the API error rate reaches this %', example: 5 })
  @OptionalNotNull()
  @IsNumber(money)
  @Min(0, nonNegative)
  @Max(1_000_000)
  error_rate_threshold_pct?: number;

  @ApiPropertyOptional({ description: 'Alert when the job failure rate reaches this %', example: 10 })
  @OptionalNotNull()
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
  @OptionalNotNull()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @Matches(/^[a-z][a-z0-9_]{0,63}$/, { each: true, message: 'each action must be a lower-case key like file_upload' })
  activation_actions?: string[];

  @ApiPropertyOptional({ description: 'Compute AI metrics (off: they are null)' })
  @OptionalNotNull()
  @IsBoolean()
  ai_tracking_enabled?: boolean;

  @ApiPropertyOptional({ description: 'Compute API metrics (off: they are null)' })
  @OptionalNotNull()
  @IsBoolean()
  api_tracking_enabled?: boolean;

  @ApiPropertyOptional({ description: 'Compute job metrics (off: they are null)' })
  @OptionalNotNull()
  @IsBoolean()
  jobs_tracking_enabled?: boolean;

  @ApiPropertyOptional({
    description: 'AI prices in USD per million tokens, per model (replaces the whole table)',
    example: { 'gpt-4o': { input_per_1m: 2.5, output_per_1m: 10 } },
  })
  @OptionalNotNull()
  @Validate(IsAiPriceTable)
  ai_prices?: Record<string, { input_per_1m: number; output_per_1m: number }>;

  @ApiPropertyOptional({ description: 'Open invoices, reported while billing is not connected', nullable: true })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @IsInt()
  @Min(0, nonNegative)
  @Max(100_000_000)
  outstanding_invoices_count?: number | null;

  @ApiPropertyOptional({ description: 'Amount remaining on open invoices (billing not connected)', nullable: true })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @IsNumber(money)
  @Min(0, nonNegative)
  @Max(1e15)
  outstanding_invoices_value?: number | null;

  @ApiPropertyOptional({
    description:
      'Which discounts reduce MRR: recurring (forever and repeating), all (a once coupon for one period too), ' +
      'forever_only (Stripe Billing), none. Changing it rebuilds the revenue ledger and recomputes history',
    enum: MRR_DISCOUNT_CONVENTIONS,
  })
  @OptionalNotNull()
  @IsIn(MRR_DISCOUNT_CONVENTIONS, { message: `must be one of ${MRR_DISCOUNT_CONVENTIONS.join(', ')}` })
  mrr_discounts?: MrrDiscountConvention;

  @ApiPropertyOptional({
    description:
      'A subscription past due this many days counts 0 MRR from then on (a churn; Baremetrics uses 30); ' +
      'null: past_due counts until canceled',
    nullable: true,
    example: 30,
  })
  @ValidateIf((_, value) => value !== null && value !== undefined)
  @IsInt({ message: 'must be a whole number of days or null' })
  @Min(1, { message: 'must be at least 1' })
  @Max(365, { message: 'must be at most 365' })
  past_due_churn_after_days?: number | null;

  @ApiPropertyOptional({
    description: 'Quick ratio counts reactivation MRR as a gain (ChartMogul) or not (Baremetrics)',
  })
  @OptionalNotNull()
  @IsBoolean()
  quick_ratio_includes_reactivation?: boolean;

  @ApiPropertyOptional({ description: 'Rates to the reporting currency', example: { EUR: 1.08 } })
  @OptionalNotNull()
  @IsObject()
  @Validate(IsCurrencyRates)
  currency_rates?: Record<string, number>;
}
