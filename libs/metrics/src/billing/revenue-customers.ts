import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches } from 'class-validator';
import { TENANT_PATTERN } from '../common/event.types.js';
import { OptionalWholeNumber } from '../common/whole-number-param.js';

export const CUSTOMER_SORTS = ['mrr', 'customer', 'first_paid', 'last_movement'] as const;

export class RevenueCustomersQueryDto {
  @ApiPropertyOptional({ description: 'One tenant; absent: every customer' })
  @IsOptional()
  @Matches(TENANT_PATTERN, { message: 'must be 1 to 64 of A-Z, a-z, 0-9, _, . and -' })
  tenant?: string;

  @ApiPropertyOptional({
    enum: CUSTOMER_SORTS,
    default: 'mrr',
    description: 'mrr and last_movement: highest/newest first; customer and first_paid: ascending',
  })
  @IsOptional()
  @IsIn(CUSTOMER_SORTS, { message: `must be one of ${CUSTOMER_SORTS.join(', ')}` })
  sort?: (typeof CUSTOMER_SORTS)[number];

  @OptionalWholeNumber({ minimum: 1, maximum: 1000, default: 100, description: 'Customers per page' })
  limit?: number;

  @OptionalWholeNumber({ minimum: 0, maximum: 10_000_000, default: 0, description: 'Customers to skip' })
  offset?: number;
}

export interface RevenueCustomer {
  customer: string;
  tenant: string | null;
  name: string | null;
  source: string;
  /** In the reporting currency; null when the customer's currency has no configured rate. */
  mrr: number | null;
  /** In the customer's own currency (null when its subscriptions are in several). */
  mrr_in_currency: number | null;
  currency: string | null;
  plans: string[];
  status: 'paying' | 'churned' | 'never_paid';
  subscription_statuses: string[];
  first_paid: string | null;
  last_movement: string | null;
}

const iso = (value: unknown) => (value ? new Date(value as string).toISOString() : null);
const list = (value: unknown): string[] =>
  Array.isArray(value)
    ? (value as string[])
    : typeof value === 'string'
      ? value.replace(/^{|}$/g, '').split(',').filter(Boolean)
      : [];

export function toCustomer(row: Record<string, unknown>): RevenueCustomer {
  const own = row.mrr_own === null ? null : Number(row.mrr_own);
  const single = Number(row.currencies) === 1;
  return {
    customer: String(row.id),
    tenant: (row.tenant_id as string | null) ?? null,
    name: (row.name as string | null) ?? null,
    source: String(row.source),
    mrr: row.mrr === null ? null : Number(row.mrr),
    mrr_in_currency: single ? own : null,
    currency: single ? String(row.currency) : null,
    plans: list(row.plans),
    status: (own ?? 0) > 0 ? 'paying' : row.first_paid ? 'churned' : 'never_paid',
    subscription_statuses: list(row.statuses),
    first_paid: iso(row.first_paid),
    last_movement: iso(row.last_movement),
  };
}
