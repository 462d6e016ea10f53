import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { readQuery } from '../database/read-replica.js';
import { run, type Statement } from '../database/statement.js';
import { tenantIfGiven } from '../sql/tenant-predicate.js';

/** GET revenue/customers' sort keys (the DTO's CUSTOMER_SORTS). */
export type CustomerSort = 'mrr' | 'customer' | 'first_paid' | 'last_movement';

const ORDER: Record<CustomerSort, string> = {
  mrr: 'mrr DESC NULLS LAST, id',
  customer: 'id',
  first_paid: 'first_paid NULLS LAST, id',
  last_movement: 'last_movement DESC NULLS LAST, id',
};

/**
 * Every billing customer now: its MRR in its own currency and in the reporting one (at the configured rate), the
 * plans (prices) of its paying subscriptions, when it first paid and when its MRR last changed. Set-based over the
 * ledger: each subscription's latest row, and the rows whose MRR differs from the subscription's previous one.
 */
function customersSql(sort: CustomerSort, tenant: string | null): string {
  return `
    WITH rows AS (
      SELECT l.customer_id, l.subscription_id, l.effective_at, l.status, l.currency, l.mrr,
             lag(l.mrr) OVER (PARTITION BY l.subscription_id ORDER BY l.effective_at, l.seq) AS previous_mrr,
             row_number() OVER (PARTITION BY l.subscription_id ORDER BY l.effective_at DESC, l.seq DESC) AS newest
      FROM metrics_revenue_ledger l JOIN metrics_billing_customer c ON c.id = l.customer_id
      WHERE l.effective_at <= now() AND ${tenantIfGiven('c.tenant_id', tenant)}
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

/**
 * One customer's MRR movements as the metrics count them (metrics.md): its ledger's changes summed per local day,
 * converted to the reporting currency, each day's end compared with the previous day's.
 */
const MOVEMENTS_SQL = `
  WITH changes AS (
    SELECT (effective_at AT TIME ZONE :tz)::date AS day,
           coalesce(mrr, 0) - coalesce(lag(mrr) OVER (PARTITION BY subscription_id ORDER BY effective_at, seq), 0) AS delta
    FROM (SELECT subscription_id, effective_at, seq,
                 mrr * CASE WHEN currency = upper(:currency::text) THEN 1
                            ELSE (:rates::jsonb ->> currency)::numeric END AS mrr
          FROM metrics_revenue_ledger WHERE customer_id = :id::varchar) AS ledger),
  days AS (SELECT day, sum(delta) AS delta FROM changes GROUP BY day),
  levels AS (
    SELECT day, sum(delta) OVER (ORDER BY day) - delta AS mrr_before, sum(delta) OVER (ORDER BY day) AS mrr_after
    FROM days),
  classified AS (
    SELECT day, mrr_before, mrr_after,
           coalesce(bool_or(mrr_after > 0) OVER (ORDER BY day ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), false) AS had_mrr
    FROM levels)
  SELECT day::text AS day, round(mrr_before, 2)::float8 AS mrr_before, round(mrr_after, 2)::float8 AS mrr_after,
         CASE WHEN mrr_before <= 0 AND mrr_after > 0 THEN CASE WHEN had_mrr THEN 'reactivation' ELSE 'new' END
              WHEN mrr_after <= 0 THEN 'churn'
              WHEN mrr_after > mrr_before THEN 'expansion' ELSE 'contraction' END AS movement
  FROM classified WHERE mrr_after <> mrr_before ORDER BY day`;

export interface CustomersQuery {
  tenant: string | null;
  /** One customer, or null: every customer. */
  id: string | null;
  sort: CustomerSort;
  limit: number;
  offset: number;
  currency: string;
  /** Currency rates as JSON text. */
  rates: string;
}

export interface CustomerMovementsQuery {
  id: string;
  tz: string;
  currency: string;
  /** Currency rates as JSON text. */
  rates: string;
}

export interface CustomerMovementRow {
  /** The local day (reporting timezone) whose end the MRR is compared at. */
  day: string;
  mrr_before: number;
  mrr_after: number;
  movement: 'new' | 'expansion' | 'contraction' | 'churn' | 'reactivation';
}

/** The statements of the revenue customers' drill-down, as pure functions (rendered in docs/sql/revenue-customers.sql). */
export const revenueCustomerStatements = {
  customers: ({ sort, ...params }: CustomersQuery): Statement => ({
    sql: customersSql(sort, params.tenant),
    params: { ...params },
  }),

  movements: (query: CustomerMovementsQuery): Statement => ({
    sql: MOVEMENTS_SQL,
    params: { ...query },
  }),
};

/** Reads of the billing customers and their ledger (GET revenue/customers, GET revenue/customers/:id); on the read replica. */
@Injectable()
export class RevenueCustomersRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  customers(query: CustomersQuery): Promise<Record<string, unknown>[]> {
    return run((text, values) => readQuery(this.dataSource, text, values), revenueCustomerStatements.customers(query));
  }

  movements(query: CustomerMovementsQuery): Promise<CustomerMovementRow[]> {
    return run<CustomerMovementRow>(
      (text, values) => readQuery(this.dataSource, text, values),
      revenueCustomerStatements.movements(query),
    );
  }
}
