import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
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
  /** Taken exclusively by a rebuild, shared by the ledger's and customers' triggers (billing-movements.sql.ts). */
  lock: (): Statement => ({ sql: REBUILD_LOCK, params: {} }),
  coverage: (terms: MovementTerms): Statement => ({ sql: billingMovementsSql.coverage, params: { ...terms } }),
  holds: (terms: MovementTerms): Statement => ({ sql: billingMovementsSql.holds, params: { ...terms } }),
  /** Every customer's movements written again, and the coverage naming the terms. */
  rebuildAll: (terms: MovementTerms): Statement[] =>
    billingMovementsSql.rebuildAll.map((sql) => ({ sql, params: { ...terms, ...WHOLE_LEDGER } })),
  /** The stale customers' movements written again. */
  rebuildStale: (terms: MovementTerms): Statement[] =>
    billingMovementsSql.rebuildStale.map((sql) => ({ sql, params: { ...terms, ...WHOLE_LEDGER } })),
};

/** What a refresh did: nothing (the movements held), the stale customers' movements, or every customer's. */
export type MovementsRefresh = 'held' | 'stale customers' | 'all customers';

/** Keeps `metrics_billing_movement` (docs/performance.md, "Stored billing movements"). */
@Injectable()
export class BillingMovementsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /**
   * Whether the stored movements hold every customer's for these terms, as `manager`'s transaction sees them when one
   * is given (a compute run's: the ledger's and customers' triggers mark a changed customer stale in the writer's own
   * transaction).
   */
  async holds(terms: MovementTerms, manager?: EntityManager): Promise<boolean> {
    const [{ holds }] = await run<{ holds: boolean }>(
      (text, values) => (manager ?? this.dataSource).query(text, values),
      billingMovementStatements.holds(terms),
    );
    return holds;
  }

  /**
   * Brings the stored movements up to date in their own short transaction: the stale customers' when the coverage
   * names these terms, every customer's otherwise.
   */
  refresh(terms: MovementTerms): Promise<MovementsRefresh> {
    // Read committed: each statement after the lock sees every write committed before it (a host may default otherwise).
    return this.dataSource.transaction('READ COMMITTED', async (manager) => {
      const exec = (statement: Statement) =>
        run<{ stale: boolean }>((text, values) => manager.query(text, values), statement);
      await exec(billingMovementStatements.lock());
      const [coverage] = await exec(billingMovementStatements.coverage(terms));
      if (coverage && !coverage.stale) return 'held';
      const statements = coverage
        ? billingMovementStatements.rebuildStale(terms)
        : billingMovementStatements.rebuildAll(terms);
      for (const statement of statements) await exec(statement);
      return coverage ? 'stale customers' : 'all customers';
    });
  }
}
