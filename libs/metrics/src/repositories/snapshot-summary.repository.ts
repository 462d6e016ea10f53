import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { quoteIdent } from '../database/named-sql.js';
import { withReadConnection } from '../database/read-replica.js';
import { NO_JIT } from '../database/session-settings.js';
import { run, type Statement } from '../database/statement.js';
import type { BucketType } from '../entities/snapshot.entity.js';
import {
  activeUsersReadIn,
  bucketFactsCtes,
  type ActiveUsersFact,
  type KeyActionUsers,
} from '../sql/bucket-facts.sql.js';
import { keyActionDaysStatements } from './key-action-days.repository.js';
import { billingMovementStatements } from './billing-movements.repository.js';
import { aiUsageDaysStatements } from './ai-usage-days.repository.js';
import type { LedgerRows } from '../sql/billing-facts.js';
import { workMetrics } from '../sql/daily-work.sql.js';
import { monthlyRatesSql } from '../sql/monthly-rates.sql.js';
import { BUCKET_DATE, rollupSql } from '../sql/rollup.sql.js';
import type { SourceRelations } from '../sql/source-relations.js';
import { tenantIs } from '../sql/tenant-predicate.js';
import { stateHoldsSql } from '../sql/user-activity.sql.js';

export { PER_PERIOD_RATES } from '../sql/monthly-rates.sql.js';

/** What a summary reads: the range, its scope, the sources connected and the values of the rules' parameters. */
export interface SummaryReadQuery {
  env: string;
  start: string;
  end: string;
  tenant: string | null;
  bucket: BucketType;
  asOf: string;
  timezone: string;
  activationActions: readonly string[];
  currency: string;
  rates: Record<string, number>;
  enabled: ReadonlySet<string>;
  relations: SourceRelations;
}

export type SummaryRow = Record<string, unknown>;

export interface SummaryRows {
  range: SummaryRow;
  daysWithData: number;
  monthly: SummaryRow;
  latest: SummaryRow | undefined;
}

function summaryParams(query: SummaryReadQuery): Record<string, unknown> {
  return {
    env: query.env,
    scope_tenant: query.tenant,
    tenant: query.tenant,
    tz: query.timezone,
    actions: query.activationActions,
    as_of: query.asOf,
    range_start: query.start,
    range_end: query.end,
    w0: query.start,
    w1: query.end,
    currency: query.currency,
    rates: JSON.stringify(query.rates),
  };
}

/** The stored daily snapshots of the range, in one scope: the rows a summary rolls up. */
function storedDays(tenant: string | null): string {
  return `SELECT tenant_id IS NULL AS is_global, tenant_id, bucket_date AS day,
      ${workMetrics()
        .map((metric) => quoteIdent(metric.key))
        .join(', ')}
    FROM system_metrics_snapshot
    WHERE environment = :env AND bucket_type = 'daily' AND ${tenantIs('tenant_id', tenant, 'scope_tenant')}
      AND bucket_date BETWEEN :range_start::date AND :range_end::date`;
}

/**
 * No catalog metric reads a range's distinct active users today (WAU and MAU roll a range up as their last day's):
 * then they are not counted at all. Were one to read them, they come from the per-user activity state when it
 * holds the range, else from the activity source.
 */
const ACTIVE_USERS_OF_RANGE: ActiveUsersFact = activeUsersReadIn('range') ? 'user-days' : 'none';

/** The summary's statements, as pure functions (rendered in docs/sql/summary.sql). */
export const summaryStatements = {
  /**
   * Every metric over the range by its kind: the stored days rolled up as one `range` bucket, with the facts that
   * only exist per bucket (users per key action, AI usage per model, NRR's movements) counted over the whole range
   * from the sources. `activeUsers`: where the range's distinct active users come from, if a metric reads them;
   * `keyActions`: where its users per key action are counted (the key-action days when they hold the range);
   * `ledger`: where NRR's movements come from (the stored movements when they hold, else the moving customers' rows);
   * `aiUsage`: where AI usage per model is summed (the AI usage days when they hold the range, else the events).
   */
  range: (
    query: SummaryReadQuery,
    activeUsers: ActiveUsersFact = ACTIVE_USERS_OF_RANGE,
    keyActions: KeyActionUsers = 'events',
    ledger: LedgerRows = 'moving',
    aiUsage: 'events' | 'days' = 'events',
  ): Statement => {
    const rolled = rollupSql(
      storedDays(query.tenant),
      bucketFactsCtes(query.relations, query.enabled, BUCKET_DATE.range, {
        activeUsers,
        ledger,
        keyActions,
        aiUsage,
        // A global summary keeps the global view's row alone.
        scopes: query.tenant === null ? 'global' : 'all',
      }),
      'range',
      query.enabled,
      // The rows are stored daily snapshots: every one of them is a computed day.
      ':range_end::date',
    );
    return {
      sql: `WITH ${rolled.ctes.join(',\n')},
        range_rows AS (${rolled.select})
      SELECT * FROM range_rows AS r
      WHERE ${tenantIs('r.tenant_id', query.tenant, 'scope_tenant')}`,
      params: summaryParams(query),
    };
  },

  /**
   * Whether the per-user activity state holds the range's days exactly (folded in this timezone from this activity
   * relation, none waiting to be recomputed): then the range's active users are counted from it, not from events.
   */
  activityStateHolds: (query: SummaryReadQuery): Statement => ({
    sql: stateHoldsSql(':range_start::date', ':range_end::date'),
    params: { ...summaryParams(query), source: query.relations.from('activity') },
  }),

  /** Whether the key-action days hold the range's days exactly: then its users per key action are counted from them. */
  keyActionDaysHold: (query: SummaryReadQuery): Statement =>
    keyActionDaysStatements.holds({
      ...summaryParams(query),
      source: query.relations.from('activation'),
      from: query.start,
      to: query.end,
    }),

  /** Whether the AI usage days hold the range's days exactly: then its AI usage per model is summed from them. */
  aiUsageDaysHold: (query: SummaryReadQuery): Statement =>
    aiUsageDaysStatements.holds({
      ...summaryParams(query),
      source: query.relations.from('ai'),
      from: query.start,
      to: query.end,
    }),

  /** Whether the stored billing movements hold for the summary's timezone, currency and rates (no change since built). */
  billingMovementsHold: (query: SummaryReadQuery): Statement =>
    billingMovementStatements.holds({
      tz: query.timezone,
      currency: query.currency,
      rates: JSON.stringify(query.rates),
    }),

  /**
   * The range's days with a daily snapshot (`days_with_data`) beside its average monthly rates, in one statement: one
   * round trip less for every summary.
   */
  daysAndMonthlyRates: (query: SummaryReadQuery): Statement => ({
    sql: `SELECT (SELECT count(*)::int FROM system_metrics_snapshot
        WHERE environment = :env AND bucket_type = 'daily' AND ${tenantIs('tenant_id', query.tenant, 'scope_tenant')}
          AND bucket_date BETWEEN :range_start::date AND :range_end::date) AS days_with_data, monthly_rates.*
      FROM (${monthlyRatesSql(query.tenant)}) AS monthly_rates`,
    params: summaryParams(query),
  }),

  latest: (query: SummaryReadQuery): Statement => ({
    sql: `SELECT *, bucket_date::text AS bucket_day FROM system_metrics_snapshot
      WHERE environment = :env AND bucket_type = :bucket::varchar AND ${tenantIs('tenant_id', query.tenant, 'scope_tenant')}
        AND bucket_date <= :range_end::date
      ORDER BY bucket_date DESC LIMIT 1`,
    params: { ...summaryParams(query), bucket: query.bucket },
  }),
};

/** A summary's reads, on one read connection in one transaction (the range and its latest snapshot agree). */
@Injectable()
export class SnapshotSummaryRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  read(query: SummaryReadQuery): Promise<SummaryRows> {
    return withReadConnection(
      this.dataSource,
      async (query_) => {
        const runs = (text: string, values: unknown[]) => query_(text, values);
        await query_(NO_JIT);
        let activeUsers = ACTIVE_USERS_OF_RANGE;
        if (activeUsers === 'user-days' && query.enabled.has('activity')) {
          const [{ holds }] = await run<{ holds: boolean }>(runs, summaryStatements.activityStateHolds(query));
          if (holds) activeUsers = 'state';
        }
        let keyActions: KeyActionUsers = 'events';
        if (query.enabled.has('activation')) {
          const [{ holds }] = await run<{ holds: boolean }>(runs, summaryStatements.keyActionDaysHold(query));
          // The global view reads its range from the global counts; a tenant's, from its own key-action days.
          if (holds) keyActions = query.tenant === null ? 'global-range' : 'state';
        }
        let ledger: LedgerRows = 'moving';
        if (query.enabled.has('billing')) {
          const [{ holds }] = await run<{ holds: boolean }>(runs, summaryStatements.billingMovementsHold(query));
          if (holds) ledger = 'stored';
        }
        let aiUsage: 'events' | 'days' = 'events';
        if (query.enabled.has('ai')) {
          const [{ holds }] = await run<{ holds: boolean }>(runs, summaryStatements.aiUsageDaysHold(query));
          if (holds) aiUsage = 'days';
        }
        const [range] = await run(runs, summaryStatements.range(query, activeUsers, keyActions, ledger, aiUsage));
        const [monthly] = await run(runs, summaryStatements.daysAndMonthlyRates(query));
        const [latest] = await run(runs, summaryStatements.latest(query));
        return { range, daysWithData: Number(monthly.days_with_data), monthly, latest };
      },
      true,
    );
  }
}
