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

const ORDER: Record<(typeof CUSTOMER_SORTS)[number], string> = {
  mrr: 'mrr DESC NULLS LAST, id',
  customer: 'id',
  first_paid: 'first_paid NULLS LAST, id',
  last_movement: 'last_movement DESC NULLS LAST, id',
};

/**
 * Every billing customer now: its MRR in its own currency and in the reporting one (at the configured rate), the
 * plans (prices) of its paying subscriptions, when it first paid and when its MRR last changed. Set-based over the
 * ledger: each subscription's latest row, and the rows whose MRR differs from the subscription's previous one.
 * Parameters: :tenant, :currency, :rates, :id (one customer or null), :limit, :offset; `sort` picks the order.
 */
export function customersSql(sort: (typeof CUSTOMER_SORTS)[number]): string {
  return `
    WITH rows AS (
      SELECT l.customer_id, l.subscription_id, l.effective_at, l.status, l.currency, l.mrr,
             lag(l.mrr) OVER (PARTITION BY l.subscription_id ORDER BY l.effective_at, l.seq) AS previous_mrr,
             row_number() OVER (PARTITION BY l.subscription_id ORDER BY l.effective_at DESC, l.seq DESC) AS newest
      FROM metrics_revenue_ledger l JOIN metrics_billing_customer c ON c.id = l.customer_id
      WHERE l.effective_at <= now() AND (:tenant::varchar IS NULL OR c.tenant_id = :tenant::varchar)
        AND (:id::varchar IS NULL OR c.id = :id::varchar)),
    plans AS (
      SELECT DISTINCT ON (s.subscription_id) s.subscription_id, s.items
      FROM metrics_billing_subscription_state s
      WHERE s.subscription_id IN (SELECT subscription_id FROM rows WHERE newest = 1 AND mrr > 0)
      ORDER BY s.subscription_id, s.valid_from DESC, s.rank DESC, s.source_id DESC),
    per_customer AS (
      SELECT r.customer_id,
             sum(r.mrr) FILTER (WHERE r.newest = 1) AS mrr_own,
             min(r.currency) AS currency,
             count(DISTINCT r.currency) AS currencies,
             sum(r.mrr * CASE WHEN r.currency = upper(:currency::text) THEN 1
                              ELSE (:rates::jsonb ->> r.currency)::numeric END) FILTER (WHERE r.newest = 1) AS mrr,
             min(r.effective_at) FILTER (WHERE r.mrr > 0) AS first_paid,
             max(r.effective_at) FILTER (WHERE r.mrr IS DISTINCT FROM coalesce(r.previous_mrr, 0)) AS last_movement,
             array_agg(DISTINCT r.status) FILTER (WHERE r.newest = 1) AS statuses
      FROM rows r GROUP BY r.customer_id)
    SELECT c.id, c.tenant_id, c.name, c.source, p.mrr_own::float8 AS mrr_own, p.currency, p.currencies::int,
           round(p.mrr, 2)::float8 AS mrr, p.first_paid, p.last_movement, p.statuses,
           (SELECT array_agg(DISTINCT item ->> 'price' ORDER BY item ->> 'price')
            FROM rows r JOIN plans pl ON pl.subscription_id = r.subscription_id,
                 jsonb_array_elements(pl.items -> 'items') AS item
            WHERE r.customer_id = c.id AND r.newest = 1) AS plans,
           count(*) OVER () AS total
    FROM metrics_billing_customer c JOIN per_customer p ON p.customer_id = c.id
    ORDER BY ${ORDER[sort]}
    LIMIT :limit OFFSET :offset`;
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
