import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { DateRangeDto } from '../common/date-range.dto.js';
import { billingCtes } from '../sql/billing-facts.js';
import { OptionalWholeNumber } from '../common/whole-number-param.js';

export const MOVEMENTS = ['new', 'expansion', 'reactivation', 'contraction', 'churn'] as const;
export type Movement = (typeof MOVEMENTS)[number];

/** start, end, movement, tenant?, limit?, offset?: the customers behind one bar of the MRR waterfall. */
export class RevenueMovementsQueryDto extends DateRangeDto {
  @ApiProperty({ enum: MOVEMENTS, description: 'The movement of the waterfall bar (mrr_new → new, …)' })
  @IsIn(MOVEMENTS, { message: `must be one of ${MOVEMENTS.join(', ')}` })
  movement: Movement;

  @OptionalWholeNumber({ minimum: 1, maximum: 1000, default: 100, description: 'Customers per page' })
  limit?: number;

  @OptionalWholeNumber({ minimum: 0, maximum: 10_000_000, default: 0, description: 'Customers to skip' })
  offset?: number;
}

export interface MovementCustomer {
  customer: string;
  name: string | null;
  tenant: string | null;
  /** The MRR this customer's movements of this kind added or took away in the range (reporting currency, > 0). */
  amount: number;
  /** How many local days of the range carried such a movement for this customer. */
  days: number;
  first_day: string;
  last_day: string;
}

/**
 * Each customer's movements of one kind in [:w0, :w1], classified exactly as the MRR movement metrics are
 * (billing-facts.ts: the same ledger CTEs and the same conditions), so the amounts add up to the waterfall's bar.
 * `total_amount` is that sum over every customer, before the page is cut.
 * Parameters: :tz, :w1, :w0, :tenant, :currency, :rates, :movement, :limit, :offset.
 */
export const MOVEMENT_CUSTOMERS_SQL = `
  WITH ${billingCtes().join(',\n')},
  classified AS (
    SELECT customer_id, day,
           CASE WHEN mrr_before <= 0 AND mrr_after > 0 THEN CASE WHEN had_mrr THEN 'reactivation' ELSE 'new' END
                WHEN mrr_before > 0 AND mrr_after > mrr_before THEN 'expansion'
                WHEN mrr_after > 0 AND mrr_after < mrr_before THEN 'contraction'
                WHEN mrr_before > 0 AND mrr_after <= 0 THEN 'churn' END AS movement,
           CASE WHEN mrr_before <= 0 THEN mrr_after
                WHEN mrr_after <= 0 THEN mrr_before
                ELSE abs(mrr_after - mrr_before) END AS amount
    FROM billing_movements
    WHERE mrr_after <> mrr_before AND day BETWEEN :w0::date AND :w1::date),
  per_customer AS (
    SELECT customer_id, sum(amount) AS amount, count(*)::int AS days, min(day) AS first_day, max(day) AS last_day
    FROM classified WHERE movement = :movement::text GROUP BY customer_id)
  SELECT c.id AS customer, c.name, c.tenant_id AS tenant, round(p.amount, 2)::float8 AS amount, p.days,
         p.first_day::text AS first_day, p.last_day::text AS last_day,
         (count(*) OVER ())::int AS total, round(sum(p.amount) OVER (), 2)::float8 AS total_amount
  FROM per_customer p JOIN metrics_billing_customer c ON c.id = p.customer_id
  ORDER BY p.amount DESC, c.id
  LIMIT :limit OFFSET :offset`;
