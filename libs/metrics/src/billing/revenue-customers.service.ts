import { Injectable, NotFoundException } from '@nestjs/common';
import { MetricsConfigService } from '../repositories/metrics-config.service.js';
import {
  RevenueCustomersRepository,
  type CustomerMovementRow,
  type CustomersQuery,
} from '../repositories/revenue-customers.repository.js';
import { ManualRevenueService, type LedgerEntryView } from './manual-revenue.service.js';
import { toCustomer, type RevenueCustomer, type RevenueCustomersQueryDto } from './revenue-customers.js';

/** One day the customer's MRR moved, as the metrics count it (metrics.md). */
export type CustomerMovement = CustomerMovementRow;

/** The drill-down behind the revenue numbers: customers now, and one customer's ledger and movements. */
@Injectable()
export class RevenueCustomersService {
  constructor(
    private readonly repository: RevenueCustomersRepository,
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
    const movements = await this.repository.movements({
      id,
      tz: config.timezone,
      currency: config.currency,
      rates: JSON.stringify(config.currency_rates ?? {}),
    });
    return { customer: toCustomer(row), movements, ledger: await this.manual.ledger({ customer: id, limit: 1000 }) };
  }

  private async customers(params: Omit<CustomersQuery, 'currency' | 'rates'>): Promise<Record<string, unknown>[]> {
    const config = await this.config.get();
    return this.repository.customers({
      ...params,
      currency: config.currency,
      rates: JSON.stringify(config.currency_rates ?? {}),
    });
  }
}
