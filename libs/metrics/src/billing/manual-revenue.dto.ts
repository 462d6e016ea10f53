import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsNumber, IsOptional, Matches, Max, MaxLength, Min, Validate } from 'class-validator';
import { IsCalendarDateConstraint } from '../common/date-range.dto.js';

const CURRENCIES = Intl.supportedValuesOf('currency');
const ID = /^[A-Za-z0-9_.:@-]{1,200}$/;
const TENANT = /^[A-Za-z0-9_.-]{1,64}$/;

/** An admin's record of a customer's MRR from a given day on (companies not on Stripe). */
export class ManualRevenueEntryDto {
  @ApiProperty({ description: 'Your id for the customer', example: 'acme-corp' })
  @Matches(ID, { message: 'must be 1 to 200 letters, digits or _ . : @ -' })
  customer: string;

  @ApiPropertyOptional({ description: 'The tenant the customer belongs to', example: 'acme', nullable: true })
  @IsOptional()
  @Matches(TENANT, { message: 'must be 1 to 64 letters, digits or _ . -' })
  tenant?: string | null;

  @ApiProperty({ description: 'The customer’s MRR from that day on (0 = churned)', example: 1200 })
  @Type(() => Number)
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 4 }, { message: 'must be a number' })
  @Min(0, { message: 'must not be negative' })
  @Max(1_000_000_000_000, { message: 'must be at most 1e12' })
  mrr: number;

  @ApiPropertyOptional({ description: 'ISO 4217 currency (default: the reporting currency)', example: 'USD' })
  @IsOptional()
  @IsIn(CURRENCIES, { message: 'must be a known ISO 4217 currency code such as USD' })
  currency?: string;

  @ApiProperty({ description: 'First day (YYYY-MM-DD, reporting timezone) the MRR applies', example: '2026-11-01' })
  @Validate(IsCalendarDateConstraint)
  effective_date: string;

  @ApiPropertyOptional({ description: 'Why (shown in the ledger)', example: 'signed annual contract' })
  @IsOptional()
  @MaxLength(500, { message: 'must be at most 500 characters' })
  note?: string;
}

export class LedgerQueryDto {
  @ApiPropertyOptional({ description: 'One customer' })
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.:@-]{1,255}$/, { message: 'must be a customer id' })
  customer?: string;

  @ApiPropertyOptional({ description: 'One tenant' })
  @IsOptional()
  @Matches(TENANT, { message: 'must be 1 to 64 letters, digits or _ . -' })
  tenant?: string;

  @ApiPropertyOptional({ description: 'Rows per page (default 100, at most 1000)' })
  @IsOptional()
  @Type(() => Number)
  @IsNumber({}, { message: 'must be a number' })
  @Min(1, { message: 'must be at least 1' })
  @Max(1000, { message: 'must be at most 1000' })
  limit?: number;
}
