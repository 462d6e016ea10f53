import { BadRequestException, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BillingStore } from './billing-store.js';
import { LedgerEntriesRepository } from '../repositories/ledger-entries.repository.js';
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
    private readonly customers: BillingStore,
    private readonly entries: LedgerEntriesRepository,
  ) {}

  async record(
    entry: ManualRevenueEntryDto,
    actor: string,
    auditEntry: Omit<AuditEntry, 'outcome'>,
  ): Promise<LedgerEntryView> {
    const config = await this.config.get();
    const currency = entry.currency ?? config.currency;
    const id = await this.dataSource.transaction(async (manager) => {
      const [customer] = await this.customers.saveManualCustomers(manager, [entry.customer], [entry.tenant ?? null]);
      if (!customer) {
        throw new BadRequestException({
          statusCode: 400,
          error: 'Bad Request',
          message: `customer: ${entry.customer} is a Stripe customer; manual entries are for customers not on Stripe`,
          errors: [{ field: 'customer', message: 'is a Stripe customer' }],
        });
      }
      const row = await this.entries.insertManual(
        manager,
        {
          customer: entry.customer,
          day: entry.effective_date,
          mrr: entry.mrr,
          currency,
          note: entry.note ?? null,
        },
        config.timezone,
        actor,
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
      const saved = await this.customers.saveManualCustomers(manager, [...tenants.keys()], [...tenants.values()]);
      const manual = new Set(saved);
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
      const first = await this.entries.insertManualBatch(
        manager,
        {
          customers: entries.map((entry) => entry.customer),
          days: entries.map((entry) => entry.effective_date),
          mrrs: entries.map((entry) => String(entry.mrr)),
          currencies: entries.map((entry) => entry.currency ?? config.currency),
          notes: entries.map((entry) => entry.note ?? null),
        },
        config.timezone,
        actor,
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
    const rows = await this.entries.entries({
      customer: query.customer ?? null,
      tenant: query.tenant ?? null,
      id: query.id ?? null,
      limit: query.limit ?? 100,
    });
    return rows.map((row) => ({
      id: String(row.id),
      customer: String(row.customer_id),
      tenant: row.tenant_id ?? null,
      subscription: String(row.subscription_id),
      effective_at: new Date(row.effective_at).toISOString(),
      status: String(row.status),
      currency: String(row.currency),
      mrr: Number(row.mrr),
      cause: String(row.cause),
      source: row.source_id ?? null,
      note: row.note ?? null,
      recorded_by: row.recorded_by ?? null,
    }));
  }
}
