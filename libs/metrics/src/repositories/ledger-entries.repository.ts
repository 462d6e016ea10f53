import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { run, type RunsSql, type Statement } from '../database/statement.js';
import { tenantIfGiven } from '../sql/tenant-predicate.js';

/** Ledger rows rebuilt from subscription states, one column per field (bound as arrays, unnested together). */
export interface LedgerColumns {
  customer_ids: string[];
  subscription_ids: string[];
  /** ISO instants. */
  effective_ats: string[];
  seqs: number[];
  statuses: string[];
  currencies: string[];
  /** Numeric text. */
  mrrs: string[];
  causes: string[];
  source_ids: string[];
}

export interface ManualEntry {
  customer: string;
  /** The local day the MRR holds from. */
  day: string;
  mrr: number;
  currency: string;
  note: string | null;
}

/** Manual entries as one column per field, in the batch's order. */
export interface ManualEntryColumns {
  customers: string[];
  days: string[];
  /** Numeric text. */
  mrrs: string[];
  currencies: string[];
  notes: (string | null)[];
}

export interface LedgerEntriesFilter {
  customer: string | null;
  tenant: string | null;
  id: string | null;
  limit: number;
}

/** A ledger row as GET revenue/ledger lists it. */
export interface LedgerEntryRow {
  id: string;
  customer_id: string;
  tenant_id: string | null;
  subscription_id: string;
  effective_at: Date | string;
  status: string;
  currency: string;
  mrr: number;
  cause: string;
  source_id: string | null;
  note: string | null;
  recorded_by: string | null;
}

/**
 * The statements that write `metrics_revenue_ledger` row by row and list it (rendered in docs/sql/ledger-entries.sql);
 * the aggregate reads are in ledger.repository.ts. Each customer's manual entries form one pseudo-subscription
 * `manual:<customer>`, numbered by `seq` in the order they were entered.
 */
export const ledgerEntryStatements = {
  deleteSubscriptions: (subscriptionIds: string[]): Statement => ({
    sql: `DELETE FROM metrics_revenue_ledger WHERE subscription_id = ANY(:ids::varchar[])`,
    params: { ids: subscriptionIds },
  }),

  insertRows: (rows: LedgerColumns): Statement => ({
    sql: `INSERT INTO metrics_revenue_ledger
         (customer_id, subscription_id, effective_at, seq, status, currency, mrr, cause, source_id)
       SELECT * FROM unnest(:customer_ids::varchar[], :subscription_ids::varchar[], :effective_ats::timestamptz[],
                            :seqs::int[], :statuses::varchar[], :currencies::varchar[], :mrrs::numeric[],
                            :causes::varchar[], :source_ids::varchar[])`,
    params: { ...rows },
  }),

  /** One manual entry after the customer's earlier ones; MRR 0 cancels. */
  insertManual: (entry: ManualEntry, timezone: string, recordedBy: string): Statement => ({
    sql: `INSERT INTO metrics_revenue_ledger
           (customer_id, subscription_id, effective_at, seq, status, currency, mrr, cause, note, recorded_by)
         SELECT :customer::varchar, 'manual:' || :customer::varchar, (:day::date)::timestamp AT TIME ZONE :timezone,
                coalesce((SELECT max(seq) + 1 FROM metrics_revenue_ledger
                          WHERE subscription_id = 'manual:' || :customer::varchar), 0),
                CASE WHEN :mrr::numeric > 0 THEN 'active' ELSE 'canceled' END, :currency, :mrr::numeric, 'manual',
                :note, :recorded_by
         RETURNING id, effective_at`,
    params: { ...entry, timezone, recorded_by: recordedBy },
  }),

  /**
   * Many manual entries in one statement: within a customer, entries keep the batch's order after its earlier
   * ones (as one POST after another would). Answers the earliest instant entered.
   */
  insertManualBatch: (entries: ManualEntryColumns, timezone: string, recordedBy: string): Statement => ({
    sql: `WITH given AS (
           SELECT * FROM unnest(:customers::varchar[], :days::date[], :mrrs::numeric[], :currencies::varchar[],
                                :notes::text[])
             WITH ORDINALITY AS e(customer, day, mrr, currency, note, ord)),
         inserted AS (
           INSERT INTO metrics_revenue_ledger
             (customer_id, subscription_id, effective_at, seq, status, currency, mrr, cause, note, recorded_by)
           SELECT g.customer, 'manual:' || g.customer, g.day::timestamp AT TIME ZONE :timezone,
                  coalesce(m.last_seq, -1) + row_number() OVER (PARTITION BY g.customer ORDER BY g.ord),
                  CASE WHEN g.mrr > 0 THEN 'active' ELSE 'canceled' END, g.currency, g.mrr, 'manual', g.note,
                  :recorded_by
           FROM given g
           LEFT JOIN (SELECT subscription_id, max(seq) AS last_seq FROM metrics_revenue_ledger
                      WHERE subscription_id = ANY(SELECT 'manual:' || customer FROM given) GROUP BY 1) m
             ON m.subscription_id = 'manual:' || g.customer
           RETURNING effective_at)
         SELECT min(effective_at) AS first FROM inserted`,
    params: { ...entries, timezone, recorded_by: recordedBy },
  }),

  /** The rows of a customer, a tenant or one id, in each subscription's order. */
  entries: (filter: LedgerEntriesFilter): Statement => ({
    sql: `SELECT l.id::text, l.customer_id, c.tenant_id, l.subscription_id, l.effective_at, l.status, l.currency,
              l.mrr::float8 AS mrr, l.cause, l.source_id, l.note, l.recorded_by
       FROM metrics_revenue_ledger l JOIN metrics_billing_customer c ON c.id = l.customer_id
       WHERE (:customer::varchar IS NULL OR l.customer_id = :customer)
         AND ${tenantIfGiven('c.tenant_id', filter.tenant)}
         AND (:id::bigint IS NULL OR l.id = :id)
       ORDER BY l.customer_id, l.effective_at, l.subscription_id, l.seq
       LIMIT :limit`,
    params: { ...filter },
  }),
};

const on =
  (manager: EntityManager): RunsSql =>
  (text, values) =>
    manager.query(text, values);

/** The ledger's rows: rebuilt from states and entered by hand on the caller's transaction, listed one by one. */
@Injectable()
export class LedgerEntriesRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async replaceSubscriptions(manager: EntityManager, subscriptionIds: string[], rows: LedgerColumns): Promise<void> {
    await run(on(manager), ledgerEntryStatements.deleteSubscriptions(subscriptionIds));
    if (rows.customer_ids.length > 0) await run(on(manager), ledgerEntryStatements.insertRows(rows));
  }

  /** The new row's id and the instant it takes effect. */
  async insertManual(
    manager: EntityManager,
    entry: ManualEntry,
    timezone: string,
    recordedBy: string,
  ): Promise<{ id: string; effective_at: Date }> {
    const [row] = await run<{ id: string; effective_at: Date }>(
      on(manager),
      ledgerEntryStatements.insertManual(entry, timezone, recordedBy),
    );
    return row;
  }

  /** The earliest instant entered. */
  async insertManualBatch(
    manager: EntityManager,
    entries: ManualEntryColumns,
    timezone: string,
    recordedBy: string,
  ): Promise<Date> {
    const [{ first }] = await run<{ first: Date }>(
      on(manager),
      ledgerEntryStatements.insertManualBatch(entries, timezone, recordedBy),
    );
    return first;
  }

  entries(filter: LedgerEntriesFilter): Promise<LedgerEntryRow[]> {
    return run<LedgerEntryRow>(
      (text, values) => this.dataSource.query(text, values),
      ledgerEntryStatements.entries(filter),
    );
  }
}
