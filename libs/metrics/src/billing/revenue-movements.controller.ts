import { Get, Query, UsePipes } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MetricsConfigService } from '../repositories/metrics-config.service.js';
import { compileSql } from '../database/named-sql.js';
import { readQuery } from '../database/read-replica.js';
import { badRequest, metricsValidationPipe } from '../common/validation.js';
import { AdminRoutes } from '../security/admin-routes.decorator.js';
import { Audited } from '../security/audit.interceptor.js';
import { TenantScoped } from '../security/metrics-access.guard.js';
import { MOVEMENT_CUSTOMERS_SQL, RevenueMovementsQueryDto, type MovementCustomer } from './revenue-movements.js';

interface MovementCustomers {
  start: string;
  end: string;
  tenant: string | null;
  movement: RevenueMovementsQueryDto['movement'];
  total: number;
  total_amount: number;
  customers: MovementCustomer[];
}

/** The customers behind one bar of the dashboard's MRR waterfall (issue 17: the waterfall links here). */
@AdminRoutes('metrics: billing')
export class RevenueMovementsController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: MetricsConfigService,
  ) {}

  @Get('revenue/movements')
  @ApiOperation({ summary: 'Customers with one kind of MRR movement in a range, largest amount first' })
  @ApiOkResponse({
    description:
      '{ start, end, tenant, movement, total, total_amount, customers: [{ customer, name, tenant, amount, days, ' +
      'first_day, last_day }] }',
  })
  @Audited('read')
  @TenantScoped('query')
  @UsePipes(metricsValidationPipe)
  async list(@Query() query: RevenueMovementsQueryDto): Promise<MovementCustomers> {
    if (query.start > query.end) throw badRequest([{ field: 'start', message: 'must not be after end' }]);
    const config = await this.config.get();
    const compiled = compileSql(MOVEMENT_CUSTOMERS_SQL, {
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
    const rows = await readQuery<MovementCustomer & { total: number; total_amount: number }>(
      this.dataSource,
      compiled.text,
      compiled.values,
    );
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
