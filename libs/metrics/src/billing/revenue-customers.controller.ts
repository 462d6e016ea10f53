import { AdminRoutes } from '../security/admin-routes.decorator.js';
import { Get, Param, Query, UsePipes } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { metricsValidationPipe, NoQueryDto } from '../common/validation.js';
import { Audited } from '../security/audit.interceptor.js';
import { TenantScoped } from '../security/metrics-access.guard.js';
import { CustomerIdPipe } from './customer-id.pipe.js';
import { RevenueCustomersQueryDto } from './revenue-customers.js';
import { RevenueCustomersService } from './revenue-customers.service.js';

/** The drill-down behind the revenue numbers (ChartMogul's customer view). */
@AdminRoutes('metrics: billing')
export class RevenueCustomersController {
  constructor(private readonly customers: RevenueCustomersService) {}

  @Get('revenue/customers')
  @ApiOperation({ summary: 'Customers with their MRR, plans, status, first payment and last movement' })
  @ApiOkResponse({ description: '{ total, customers: [...] }' })
  @Audited('read')
  @TenantScoped('query')
  @UsePipes(metricsValidationPipe)
  list(@Query() query: RevenueCustomersQueryDto) {
    return this.customers.list(query);
  }

  @Get('revenue/customers/:id')
  @ApiOperation({ summary: 'One customer: its MRR now, its movements by day and its ledger' })
  @ApiOkResponse({ description: '{ customer, movements, ledger }' })
  @ApiNotFoundResponse({ description: 'No revenue for that customer' })
  @Audited('read')
  @UsePipes(metricsValidationPipe)
  one(@Param('id', CustomerIdPipe) id: string, @Query() _query: NoQueryDto) {
    return this.customers.one(id);
  }
}
