import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { readQuery } from '../database/read-replica.js';
import { run, type Statement } from '../database/statement.js';
import type { BucketType } from '../entities/snapshot.entity.js';
import { BUCKET_DATE } from '../sql/bucket-dates.js';

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
function planBreakdownSql(bucket: BucketType): string {
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
      WHERE (:tenant::varchar IS NULL OR c.tenant_id = :tenant::varchar)),
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

/** The statements on the revenue ledger and the billing state, as pure functions (rendered in docs/sql/ledger.sql). */
export const ledgerStatements = {
  hasRevenue: (): Statement => ({
    sql: 'SELECT EXISTS (SELECT 1 FROM metrics_revenue_ledger) AS recorded',
    params: {},
  }),

  /** Currencies of revenue that cannot be converted to the reporting currency (no rate configured). */
  unconvertedCurrencies: (currency: string, rates: Record<string, number>): Statement => ({
    sql: `SELECT DISTINCT currency FROM (
        SELECT currency FROM metrics_revenue_ledger UNION SELECT currency FROM metrics_billing_invoice_state) AS used
      WHERE currency <> upper(:currency::text) AND NOT (:rates::jsonb ? currency) ORDER BY 1`,
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
    sql: planBreakdownSql(bucket),
    params: { ...params, step: STEP[bucket] },
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
}
