import { Injectable } from '@nestjs/common';
import { badRequest } from '../common/validation.js';
import { LedgerRepository } from '../repositories/ledger.repository.js';
import { MetricsConfigService } from '../repositories/metrics-config.service.js';
import type { MovementCustomer, RevenueMovementsQueryDto } from './revenue-movements.js';

export interface MovementCustomers {
  start: string;
  end: string;
  tenant: string | null;
  movement: RevenueMovementsQueryDto['movement'];
  total: number;
  total_amount: number;
  customers: MovementCustomer[];
}

/** The customers behind one bar of the dashboard's MRR waterfall, in the configured timezone and currency. */
@Injectable()
export class RevenueMovementsService {
  constructor(
    private readonly config: MetricsConfigService,
    private readonly ledger: LedgerRepository,
  ) {}

  async list(query: RevenueMovementsQueryDto): Promise<MovementCustomers> {
    if (query.start > query.end) throw badRequest([{ field: 'start', message: 'must not be after end' }]);
    const config = await this.config.get();
    const rows = await this.ledger.movementCustomers({
      tz: config.timezone,
      w0: query.start,
      w1: query.end,
      tenant: query.tenant ?? null,
      currency: config.currency,
      rates: JSON.stringify(config.currency_rates ?? {}),
      movement: query.movement,
      limit: query.limit ?? 100,
      offset: query.offset ?? 0,
    });
    return {
      start: query.start,
      end: query.end,
      tenant: query.tenant ?? null,
      movement: query.movement,
      total: rows[0]?.total ?? 0,
      total_amount: rows[0]?.total_amount ?? 0,
      customers: rows.map(({ total: _total, total_amount: _sum, ...customer }) => customer),
    };
  }
}
