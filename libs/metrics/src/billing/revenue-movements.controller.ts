import { Get, Query, UsePipes } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { metricsValidationPipe } from '../common/validation.js';
import { AdminRoutes } from '../security/admin-routes.decorator.js';
import { Audited } from '../security/audit.interceptor.js';
import { TenantScoped } from '../security/metrics-access.guard.js';
import { RevenueMovementsQueryDto } from './revenue-movements.js';
import { RevenueMovementsService, type MovementCustomers } from './revenue-movements.service.js';

/** The customers behind one bar of the dashboard's MRR waterfall (issue 17: the waterfall links here). */
@AdminRoutes('metrics: billing')
export class RevenueMovementsController {
  constructor(private readonly movements: RevenueMovementsService) {}

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
  list(@Query() query: RevenueMovementsQueryDto): Promise<MovementCustomers> {
    return this.movements.list(query);
  }
}
