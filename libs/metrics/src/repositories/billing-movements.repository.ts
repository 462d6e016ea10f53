import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { run, type Statement } from '../database/statement.js';
import { billingMovementsSql, REBUILD_LOCK, WHOLE_LEDGER } from '../sql/billing-movements.sql.js';

/** How amounts are reported: what the stored movements were built in, and what a reader asks for. */
export interface MovementTerms {
  tz: string;
  currency: string;
  /** The currency rates as JSON text. */
  rates: string;
}

/** The stored billing movements' statements, as pure functions (rendered in docs/sql/billing-movements.sql). */
export const billingMovementStatements = {
  /** Taken exclusively by a rebuild, shared by the ledger's and customers' trigger (billing-movements.sql.ts). */
  lock: (): Statement => ({ sql: REBUILD_LOCK, params: {} }),
  holds: (terms: MovementTerms): Statement => ({ sql: billingMovementsSql.holds, params: { ...terms } }),
  /** The table emptied, every movement of the whole ledger written, and its coverage naming the terms. */
  rebuild: (terms: MovementTerms): Statement[] =>
    billingMovementsSql.rebuild.map((sql) => ({ sql, params: { ...terms, ...WHOLE_LEDGER } })),
};

/** Keeps `metrics_billing_movement` (docs/performance.md, "Stored billing movements"). */
@Injectable()
export class BillingMovementsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Whether the stored movements hold for these terms. */
  async holds(terms: MovementTerms): Promise<boolean> {
    const [{ holds }] = await run<{ holds: boolean }>(
      (text, values) => this.dataSource.query(text, values),
      billingMovementStatements.holds(terms),
    );
    return holds;
  }

  /**
   * Rebuilds the stored movements in their own short transaction, unless they already hold for these terms (no ledger
   * or tenant change since the last rebuild). Answers whether it rebuilt.
   */
  refresh(terms: MovementTerms): Promise<boolean> {
    // Read committed: each statement after the lock sees every write committed before it (a host may default otherwise).
    return this.dataSource.transaction('READ COMMITTED', async (manager) => {
      const exec = (statement: Statement) =>
        run<{ holds: boolean }>((text, values) => manager.query(text, values), statement);
      await exec(billingMovementStatements.lock());
      const [{ holds }] = await exec(billingMovementStatements.holds(terms));
      if (holds) return false;
      for (const statement of billingMovementStatements.rebuild(terms)) await exec(statement);
      return true;
    });
  }
}
