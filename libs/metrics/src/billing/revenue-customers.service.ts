import { Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MetricsConfigService } from '../repositories/metrics-config.service.js';
import { compileSql } from '../database/named-sql.js';
import { readQuery } from '../database/read-replica.js';
import { ManualRevenueService, type LedgerEntryView } from './manual-revenue.service.js';
import { customersSql, toCustomer, type RevenueCustomer, type RevenueCustomersQueryDto } from './revenue-customers.js';

export interface CustomerMovement {
  /** The local day (reporting timezone) whose end the MRR is compared at. */
  day: string;
  mrr_before: number;
  mrr_after: number;
  movement: 'new' | 'expansion' | 'contraction' | 'churn' | 'reactivation';
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

/** The drill-down behind the revenue numbers: customers now, and one customer's ledger and movements. */
@Injectable()
export class RevenueCustomersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: MetricsConfigService,
    private readonly manual: ManualRevenueService,
  ) {}

  async list(query: RevenueCustomersQueryDto): Promise<{ total: number; customers: RevenueCustomer[] }> {
    const rows = await this.customers({
      tenant: query.tenant ?? null,
      id: null,
      sort: query.sort ?? 'mrr',
      limit: query.limit ?? 100,
      offset: query.offset ?? 0,
    });
    return { total: rows.length > 0 ? Number(rows[0].total) : 0, customers: rows.map(toCustomer) };
  }

  async one(
    id: string,
  ): Promise<{ customer: RevenueCustomer; movements: CustomerMovement[]; ledger: LedgerEntryView[] }> {
    const [row] = await this.customers({ tenant: null, id, sort: 'customer', limit: 1, offset: 0 });
    if (!row)
      throw new NotFoundException({ statusCode: 404, error: 'Not Found', message: `no revenue for customer ${id}` });
    const config = await this.config.get();
    const compiled = compileSql(MOVEMENTS_SQL, {
      id,
      tz: config.timezone,
      currency: config.currency,
      rates: JSON.stringify(config.currency_rates ?? {}),
    });
    const movements = await readQuery<CustomerMovement>(this.dataSource, compiled.text, compiled.values);
    return { customer: toCustomer(row), movements, ledger: await this.manual.ledger({ customer: id, limit: 1000 }) };
  }

  private async customers(params: {
    tenant: string | null;
    id: string | null;
    sort: NonNullable<RevenueCustomersQueryDto['sort']>;
    limit: number;
    offset: number;
  }): Promise<Record<string, unknown>[]> {
    const config = await this.config.get();
    const compiled = compileSql(customersSql(params.sort), {
      ...params,
      currency: config.currency,
      rates: JSON.stringify(config.currency_rates ?? {}),
    });
    return readQuery(this.dataSource, compiled.text, compiled.values);
  }
}
