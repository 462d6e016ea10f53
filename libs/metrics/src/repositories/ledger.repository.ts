import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { readQuery } from '../database/read-replica.js';
import { run, type Statement } from '../database/statement.js';
import type { BucketType } from '../entities/snapshot.entity.js';
import { billingCtes } from '../sql/billing-facts.js';
import { BUCKET_DATE } from '../sql/bucket-dates.js';
import { tenantIfGiven } from '../sql/tenant-predicate.js';

const STEP: Record<BucketType, string> = { daily: '1 day', weekly: '1 week', monthly: '1 month' };
const LAST_DAY: Record<BucketType, string> = {
  daily: 'b::date',
  weekly: 'b::date + 6',
  monthly: "(b + interval '1 month')::date - 1",
};

/**
 * MRR by plan at the end of every bucket of [start, end] (issue 17, `breakdown=plan`), read from the ledger: each
 * row holds from its time until the subscription's next row, and its MRR is shared among the plans (prices) of the
 * state it came from in proportion to their undiscounted monthly amounts, so a discount lowers each plan alike and
 * the plans add up to MRR. Manual entries are the plan `manual`. Set-based: one statement for the whole range.
 */
function planBreakdownSql(bucket: BucketType, tenant: string | null): string {
  return `
    WITH ends AS (
      SELECT b::date AS bucket_date, ((${LAST_DAY[bucket]}) + 1)::timestamp AT TIME ZONE :tz AS at
      FROM generate_series(${BUCKET_DATE[bucket](':start::date')}, :end::date, :step::interval) AS b),
    spans AS (
      SELECT l.subscription_id, l.source_id, l.effective_at AS from_at,
             lead(l.effective_at) OVER (PARTITION BY l.subscription_id ORDER BY l.effective_at, l.seq) AS to_at,
             l.mrr * CASE WHEN l.currency = upper(:currency::text) THEN 1
                          ELSE (:rates::jsonb ->> l.currency)::numeric END AS mrr
      FROM metrics_revenue_ledger l JOIN metrics_billing_customer c ON c.id = l.customer_id
      WHERE ${tenantIfGiven('c.tenant_id', tenant)}),
    shares AS (
      SELECT s.subscription_id, s.source_id, item ->> 'price' AS plan,
             (item ->> 'monthly')::numeric / nullif(sum((item ->> 'monthly')::numeric)
               OVER (PARTITION BY s.subscription_id, s.source_id), 0) AS share
      FROM metrics_billing_subscription_state s, jsonb_array_elements(s.items -> 'items') AS item
      WHERE s.subscription_id IN (SELECT subscription_id FROM spans))
    SELECT e.bucket_date::text AS date,
           jsonb_object_agg(plan, mrr ORDER BY plan) FILTER (WHERE plan IS NOT NULL) AS plans
    FROM ends e LEFT JOIN (
      SELECT e.bucket_date, coalesce(sh.plan, CASE WHEN sp.subscription_id LIKE 'manual:%' THEN 'manual' ELSE 'unknown' END) AS plan,
             round(sum(sp.mrr * coalesce(sh.share, 1)), 2) AS mrr
      FROM ends e
      JOIN spans sp ON sp.from_at < e.at AND (sp.to_at IS NULL OR sp.to_at >= e.at) AND sp.mrr > 0
      LEFT JOIN shares sh ON sh.subscription_id = sp.subscription_id AND sh.source_id = sp.source_id
      GROUP BY 1, 2) AS per_plan ON per_plan.bucket_date = e.bucket_date
    GROUP BY e.bucket_date ORDER BY e.bucket_date`;
}

/**
 * Each customer's movements of one kind in [:w0, :w1], classified exactly as the MRR movement metrics are
 * (billing-facts.ts: the same ledger CTEs and the same conditions), so the amounts add up to the waterfall's bar.
 * `total_amount` is that sum over every customer, before the page is cut.
 */
const MOVEMENT_CUSTOMERS_SQL = `
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

export interface MovementCustomersQuery {
  tz: string;
  /** The range's first and last local day. */
  w0: string;
  w1: string;
  tenant: string | null;
  currency: string;
  /** Currency rates as JSON text. */
  rates: string;
  /** new, expansion, reactivation, contraction or churn (validated by the caller). */
  movement: string;
  limit: number;
  offset: number;
}

/** One customer behind a bar of the MRR waterfall, with the page's totals before it was cut. */
export interface MovementCustomerRow {
  customer: string;
  name: string | null;
  tenant: string | null;
  amount: number;
  days: number;
  first_day: string;
  last_day: string;
  total: number;
  total_amount: number;
}

export interface PlanBreakdownQuery {
  bucket: BucketType;
  start: string;
  end: string;
  tz: string;
  tenant: string | null;
  currency: string;
  /** Currency rates as JSON text. */
  rates: string;
}

/** A table's distinct currencies, smallest first, each found by one probe of its currency index (a loose index scan). */
const distinctCurrencies = (name: string, table: string) => `${name} AS (
        SELECT min(currency)::varchar AS currency FROM ${table}
        UNION ALL
        SELECT (SELECT min(t.currency) FROM ${table} AS t WHERE t.currency > c.currency)::varchar FROM ${name} AS c
        WHERE c.currency IS NOT NULL)`;

/** The statements on the revenue ledger and the billing state, as pure functions (rendered in docs/sql/ledger.sql). */
export const ledgerStatements = {
  hasRevenue: (): Statement => ({
    sql: 'SELECT EXISTS (SELECT 1 FROM metrics_revenue_ledger) AS recorded',
    params: {},
  }),

  /**
   * Currencies of revenue that cannot be converted to the reporting currency (no rate configured). Asked on every
   * summary: each table's distinct currencies are walked through its currency index, one probe per currency, where
   * a DISTINCT read the whole ledger (6.7 ms of a cold summary at scale 1).
   */
  unconvertedCurrencies: (currency: string, rates: Record<string, number>): Statement => ({
    sql: `WITH RECURSIVE ${distinctCurrencies('ledger_currencies', 'metrics_revenue_ledger')},
        ${distinctCurrencies('invoice_currencies', 'metrics_billing_invoice_state')}
      SELECT currency FROM (SELECT currency FROM ledger_currencies UNION SELECT currency FROM invoice_currencies) AS used
      WHERE currency IS NOT NULL AND currency <> upper(:currency::text) AND NOT (:rates::jsonb ? currency) ORDER BY 1`,
    params: { currency, rates: JSON.stringify(rates) },
  }),

  /** The ledger's first local day and today, in the reporting timezone. */
  span: (tz: string): Statement => ({
    sql: `SELECT to_char(min(effective_at) AT TIME ZONE :tz, 'YYYY-MM-DD') AS first,
             to_char(now() AT TIME ZONE :tz, 'YYYY-MM-DD') AS today
      FROM metrics_revenue_ledger`,
    params: { tz },
  }),

  planBreakdown: ({ bucket, ...params }: PlanBreakdownQuery): Statement => ({
    sql: planBreakdownSql(bucket, params.tenant),
    params: { ...params, step: STEP[bucket] },
  }),

  movementCustomers: (query: MovementCustomersQuery): Statement => ({
    sql: MOVEMENT_CUSTOMERS_SQL,
    params: { ...query },
  }),
};

/** Reads of the revenue ledger (the billing sync and manual entries write it through BillingStore). */
@Injectable()
export class LedgerRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async hasRevenue(manager: EntityManager = this.dataSource.manager): Promise<boolean> {
    const [row] = await run<{ recorded: boolean }>(
      (text, values) => manager.query(text, values),
      ledgerStatements.hasRevenue(),
    );
    return row.recorded;
  }

  async unconvertedCurrencies(currency: string, rates: Record<string, number>): Promise<string[]> {
    const rows = await run<{ currency: string }>(
      (text, values) => this.dataSource.query(text, values),
      ledgerStatements.unconvertedCurrencies(currency, rates),
    );
    return rows.map((row) => row.currency);
  }

  async span(tz: string): Promise<{ first: string | null; today: string } | undefined> {
    const [row] = await run<{ first: string | null; today: string }>(
      (text, values) => this.dataSource.query(text, values),
      ledgerStatements.span(tz),
    );
    return row;
  }

  /** Per bucket date, MRR per plan at the bucket's end (an empty object where nobody pays); on the read replica. */
  async planBreakdown(query: PlanBreakdownQuery): Promise<Map<string, Record<string, number>>> {
    const rows = await run(
      (text, values) => readQuery(this.dataSource, text, values),
      ledgerStatements.planBreakdown(query),
    );
    return new Map(
      rows.map((row) => {
        const plans = (typeof row.plans === 'string' ? JSON.parse(row.plans) : (row.plans ?? {})) as Record<
          string,
          unknown
        >;
        return [String(row.date), Object.fromEntries(Object.entries(plans).map(([plan, mrr]) => [plan, Number(mrr)]))];
      }),
    );
  }

  /** The customers behind one bar of the MRR waterfall (GET revenue/movements); on the read replica. */
  movementCustomers(query: MovementCustomersQuery): Promise<MovementCustomerRow[]> {
    return run<MovementCustomerRow>(
      (text, values) => readQuery(this.dataSource, text, values),
      ledgerStatements.movementCustomers(query),
    );
  }
}
