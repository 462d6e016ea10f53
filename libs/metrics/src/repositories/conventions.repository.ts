import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { run, type Statement } from '../database/statement.js';
import type { MrrDiscountConvention } from '../entities/revenue-conventions.types.js';

/** The revenue conventions' columns of the configuration row, as stored. */
export interface ConventionsRow {
  mrr_discounts: MrrDiscountConvention;
  past_due_churn_after_days: number | string | null;
  quick_ratio_includes_reactivation: boolean;
}

/** The statements on the configuration row's revenue conventions (rendered in docs/sql/conventions.sql). */
export const conventionStatements = {
  read: (): Statement => ({
    sql: `SELECT mrr_discounts, past_due_churn_after_days, quick_ratio_includes_reactivation
     FROM system_metrics_config WHERE id = 1`,
    params: {},
  }),
};

/**
 * The configured revenue conventions, read on the caller's transaction (the webhook's ledger rebuild and a
 * convention change must see the same row).
 */
@Injectable()
export class ConventionsRepository {
  /** Undefined before the configuration row exists. */
  async read(manager: EntityManager): Promise<ConventionsRow | undefined> {
    const [row] = await run<ConventionsRow>((text, values) => manager.query(text, values), conventionStatements.read());
    return row;
  }
}
