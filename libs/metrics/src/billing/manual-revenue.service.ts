import { BadRequestException, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MetricsConfigService } from '../repositories/metrics-config.service.js';
import { AuditService } from '../security/audit.service.js';
import type { AuditEntry } from '../security/audit.service.js';
import { DirtyDaysRepository } from '../repositories/dirty-days.repository.js';
import type { LedgerQueryDto, ManualRevenueEntryDto } from './manual-revenue.dto.js';
import { rowErrors, validateEntries } from './manual-revenue-batch.js';

export interface LedgerEntryView {
  id: string;
  customer: string;
  tenant: string | null;
  subscription: string;
  effective_at: string;
  status: string;
  currency: string;
  mrr: number;
  cause: string;
  source: string | null;
  note: string | null;
  recorded_by: string | null;
}

/**
 * Revenue entered by hand, in the same ledger as Stripe's: a customer's MRR from a day on. Each customer's
 * manual entries form one pseudo-subscription (`manual:<customer>`), so the movements come out of the same SQL.
 */
@Injectable()
export class ManualRevenueService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: MetricsConfigService,
    private readonly audit: AuditService,
    private readonly dirtyDays: DirtyDaysRepository,
  ) {}

  async record(
    entry: ManualRevenueEntryDto,
    actor: string,
    auditEntry: Omit<AuditEntry, 'outcome'>,
  ): Promise<LedgerEntryView> {
    const config = await this.config.get();
    const currency = entry.currency ?? config.currency;
    const id = await this.dataSource.transaction(async (manager) => {
      const [customer] = await manager.query<{ id: string }[]>(
        `INSERT INTO metrics_billing_customer AS c (id, tenant_id, source, state_at) VALUES ($1, $2, 'manual', now())
         ON CONFLICT (id) DO UPDATE SET tenant_id = coalesce(excluded.tenant_id, c.tenant_id), updated_at = now()
         WHERE c.source = 'manual'
         RETURNING id`,
        [entry.customer, entry.tenant ?? null],
      );
      if (!customer) {
        throw new BadRequestException({
          statusCode: 400,
          error: 'Bad Request',
          message: `customer: ${entry.customer} is a Stripe customer; manual entries are for customers not on Stripe`,
          errors: [{ field: 'customer', message: 'is a Stripe customer' }],
        });
      }
      const [row] = await manager.query<{ id: string; effective_at: Date }[]>(
        `INSERT INTO metrics_revenue_ledger
           (customer_id, subscription_id, effective_at, seq, status, currency, mrr, cause, note, recorded_by)
         SELECT $1::varchar, 'manual:' || $1::varchar, ($2::date)::timestamp AT TIME ZONE $3,
                coalesce((SELECT max(seq) + 1 FROM metrics_revenue_ledger WHERE subscription_id = 'manual:' || $1::varchar), 0),
                CASE WHEN $4::numeric > 0 THEN 'active' ELSE 'canceled' END, $5, $4::numeric, 'manual', $6, $7
         RETURNING id, effective_at`,
        [entry.customer, entry.effective_date, config.timezone, entry.mrr, currency, entry.note ?? null, actor],
      );
      await this.dirtyDays.markBillingDays(manager, new Date(row.effective_at), config.timezone);
      await this.audit.record({ ...auditEntry, outcome: 201 }, manager);
      return row.id;
    });
    const [view] = await this.ledger({ id });
    return view;
  }

  /**
   * Many entries at once (a finance team's spreadsheet): validated row by row, then stored in one transaction
   * with one audit record, set-based. Any bad row, or a customer that is on Stripe, refuses the whole batch.
   */
  async recordBatch(
    raw: Record<string, unknown>[],
    actor: string,
    auditEntry: Omit<AuditEntry, 'outcome'>,
  ): Promise<{ accepted: number; customers: number }> {
    const entries = await validateEntries(raw);
    const config = await this.config.get();
    const tenants = new Map<string, string | null>();
    for (const entry of entries) tenants.set(entry.customer, entry.tenant ?? tenants.get(entry.customer) ?? null);
    await this.dataSource.transaction(async (manager) => {
      const saved = await manager.query<{ id: string }[]>(
        `INSERT INTO metrics_billing_customer AS c (id, tenant_id, source, state_at)
         SELECT id, tenant_id, 'manual', now() FROM unnest($1::varchar[], $2::varchar[]) AS given(id, tenant_id)
         ON CONFLICT (id) DO UPDATE SET tenant_id = coalesce(excluded.tenant_id, c.tenant_id), updated_at = now()
         WHERE c.source = 'manual'
         RETURNING id`,
        [[...tenants.keys()], [...tenants.values()]],
      );
      const manual = new Set(saved.map((row) => row.id));
      const onStripe = entries.flatMap((entry, index) =>
        manual.has(entry.customer)
          ? []
          : [
              {
                index,
                field: 'customer',
                message: `${entry.customer} is a Stripe customer; manual entries are for customers not on Stripe`,
              },
            ],
      );
      if (onStripe.length > 0) throw rowErrors(onStripe);
      // Within a customer, entries keep the batch's order after its earlier ones (as one POST after another would).
      const [{ first }] = await manager.query<{ first: Date }[]>(
        `WITH given AS (
           SELECT * FROM unnest($1::varchar[], $2::date[], $3::numeric[], $4::varchar[], $5::text[])
             WITH ORDINALITY AS e(customer, day, mrr, currency, note, ord)),
         inserted AS (
           INSERT INTO metrics_revenue_ledger
             (customer_id, subscription_id, effective_at, seq, status, currency, mrr, cause, note, recorded_by)
           SELECT g.customer, 'manual:' || g.customer, g.day::timestamp AT TIME ZONE $6,
                  coalesce(m.last_seq, -1) + row_number() OVER (PARTITION BY g.customer ORDER BY g.ord),
                  CASE WHEN g.mrr > 0 THEN 'active' ELSE 'canceled' END, g.currency, g.mrr, 'manual', g.note, $7
           FROM given g
           LEFT JOIN (SELECT subscription_id, max(seq) AS last_seq FROM metrics_revenue_ledger
                      WHERE subscription_id = ANY(SELECT 'manual:' || customer FROM given) GROUP BY 1) m
             ON m.subscription_id = 'manual:' || g.customer
           RETURNING effective_at)
         SELECT min(effective_at) AS first FROM inserted`,
        [
          entries.map((entry) => entry.customer),
          entries.map((entry) => entry.effective_date),
          entries.map((entry) => String(entry.mrr)),
          entries.map((entry) => entry.currency ?? config.currency),
          entries.map((entry) => entry.note ?? null),
          config.timezone,
          actor,
        ],
      );
      await this.dirtyDays.markBillingDays(manager, new Date(first), config.timezone);
      await this.audit.record(
        { ...auditEntry, params: { entries: entries.length, customers: tenants.size }, outcome: 201 },
        manager,
      );
    });
    return { accepted: entries.length, customers: tenants.size };
  }

  async ledger(query: LedgerQueryDto & { id?: string }): Promise<LedgerEntryView[]> {
    const rows = await this.dataSource.query<Record<string, unknown>[]>(
      `SELECT l.id::text, l.customer_id, c.tenant_id, l.subscription_id, l.effective_at, l.status, l.currency,
              l.mrr::float8 AS mrr, l.cause, l.source_id, l.note, l.recorded_by
       FROM metrics_revenue_ledger l JOIN metrics_billing_customer c ON c.id = l.customer_id
       WHERE ($1::varchar IS NULL OR l.customer_id = $1) AND ($2::varchar IS NULL OR c.tenant_id = $2)
         AND ($3::bigint IS NULL OR l.id = $3)
       ORDER BY l.customer_id, l.effective_at, l.subscription_id, l.seq
       LIMIT $4`,
      [query.customer ?? null, query.tenant ?? null, query.id ?? null, query.limit ?? 100],
    );
    return rows.map((row) => ({
      id: String(row.id),
      customer: String(row.customer_id),
      tenant: (row.tenant_id as string | null) ?? null,
      subscription: String(row.subscription_id),
      effective_at: new Date(row.effective_at as string).toISOString(),
      status: String(row.status),
      currency: String(row.currency),
      mrr: Number(row.mrr),
      cause: String(row.cause),
      source: (row.source_id as string | null) ?? null,
      note: (row.note as string | null) ?? null,
      recorded_by: (row.recorded_by as string | null) ?? null,
    }));
  }
}
