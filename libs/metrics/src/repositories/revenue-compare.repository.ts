import { Injectable } from '@nestjs/common';
import type { QueryRunner } from 'typeorm';
import { addDays, addMonths, monthStart } from '../common/calendar-dates.js';
import { NO_JIT } from '../database/session-settings.js';
import { run, type Statement } from '../database/statement.js';
import { bucketFactsCtes } from '../sql/bucket-facts.sql.js';
import { dailyWorkSql } from '../sql/daily-work.sql.js';
import { monthlyRateAveragesSql } from '../sql/monthly-rates.sql.js';
import { BUCKET_DATE, rollupSql } from '../sql/rollup.sql.js';
import type { SourceRelations } from '../sql/source-relations.js';

/** Only the revenue: a comparison of conventions needs no other source. */
const BILLING_ONLY: ReadonlySet<string> = new Set(['billing']);

/** The statements of a conventions comparison, as pure functions (rendered in docs/sql/revenue-compare.sql). */
export const revenueCompareStatements = {
  /** The range's daily revenue values from the ledger as it is in the comparison's transaction. */
  work: (relations: SourceRelations, params: Record<string, unknown>): Statement => ({
    sql: `CREATE TEMP TABLE metrics_compare_work ON COMMIT DROP AS ${dailyWorkSql(relations, BILLING_ONLY)}`,
    params,
  }),

  /** The work rolled up as one `range` bucket, for the scope asked. */
  range: (relations: SourceRelations, params: Record<string, unknown>): Statement => {
    const rolled = rollupSql(
      'SELECT * FROM metrics_compare_work',
      bucketFactsCtes(relations, BILLING_ONLY, BUCKET_DATE.range),
      'range',
      BILLING_ONLY,
      // Every work row is a computed day of the range.
      ':range_end::date',
    );
    return {
      sql: `WITH ${rolled.ctes.join(',\n')},
        range_rows AS (${rolled.select})
      SELECT * FROM range_rows AS r
      WHERE CASE WHEN :tenant::varchar IS NULL THEN r.is_global ELSE r.tenant_id = :tenant::varchar END`,
      params,
    };
  },

  /**
   * The work (computed over the whole calendar months touching the range) rolled up by month, and its rates per
   * period averaged over the range exactly as GET summary averages the stored monthly snapshots.
   */
  monthlyRates: (relations: SourceRelations, params: Record<string, unknown>): Statement => {
    const rolled = rollupSql(
      'SELECT * FROM metrics_compare_work',
      bucketFactsCtes(relations, BILLING_ONLY, BUCKET_DATE.monthly),
      'monthly',
      BILLING_ONLY,
      ':w1::date',
    );
    return {
      sql: `WITH ${rolled.ctes.join(',\n')},
        month_rows AS (${rolled.select})
      ${monthlyRateAveragesSql(`SELECT * FROM month_rows AS r
        WHERE CASE WHEN :tenant::varchar IS NULL THEN r.is_global ELSE r.tenant_id = :tenant::varchar END`)}`,
      params,
    };
  },
};

/** Revenue metrics over a range computed inside a caller's (rolled back) transaction. */
@Injectable()
export class RevenueCompareRepository {
  /** JIT off for the comparison's transaction (database/session-settings.ts says why). */
  async withoutJit(runner: QueryRunner): Promise<void> {
    await runner.query(NO_JIT);
  }

  async rangeRow(
    runner: QueryRunner,
    relations: SourceRelations,
    params: Record<string, unknown>,
  ): Promise<Record<string, unknown> | undefined> {
    const query = (text: string, values: unknown[]) => runner.query(text, values);
    await runner.query('DROP TABLE IF EXISTS metrics_compare_work');
    await run(query, revenueCompareStatements.work(relations, params));
    const [row] = await run(query, revenueCompareStatements.range(relations, params));
    return row;
  }

  /**
   * The range's rates per period as average monthly rates (`per_month` false for a range of one month or less),
   * from a work recomputed over the whole months the range touches, in the caller's transaction.
   */
  async monthlyRates(
    runner: QueryRunner,
    relations: SourceRelations,
    params: Record<string, unknown> & { range_start: string; range_end: string },
  ): Promise<Record<string, unknown> | undefined> {
    const query = (text: string, values: unknown[]) => runner.query(text, values);
    const months = {
      ...params,
      w0: monthStart(params.range_start),
      w1: addDays(addMonths(monthStart(params.range_end), 1), -1),
    };
    await runner.query('DROP TABLE IF EXISTS metrics_compare_work');
    await run(query, revenueCompareStatements.work(relations, months));
    const [row] = await run(query, revenueCompareStatements.monthlyRates(relations, months));
    return row;
  }
}
