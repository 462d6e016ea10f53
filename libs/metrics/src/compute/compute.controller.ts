import { AdminRoutes } from '../security/admin-routes.decorator.js';
import { ApiAcceptedResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { RUN_SCHEMA } from '../openapi/api-docs.js';
import { Body, Get, HttpCode, Param, Post, Query, Req, UsePipes } from '@nestjs/common';
import { uuidId } from '../security/id-param.js';
import { Audited } from '../security/audit.interceptor.js';
import { metricsValidationPipe } from '../common/validation.js';
import { TenantScoped, type RequestWithActor } from '../security/metrics-access.guard.js';
import { BackfillDto, RunsQueryDto } from './backfill.dto.js';
import { Backfills } from './backfill.service.js';
import { MetricsRunsService, type RunView } from './runs.service.js';

/** Backfills and their runs (docs/api.md). The path prefix comes from the module options. */
@AdminRoutes('metrics: compute')
export class ComputeController {
  constructor(
    private readonly runs: MetricsRunsService,
    private readonly backfills: Backfills,
  ) {}

  @Post('backfill')
  @ApiOperation({ summary: 'Compute daily, weekly, monthly snapshots and cohorts for a range, in the background' })
  @ApiAcceptedResponse({ schema: { type: 'object', properties: { run_id: { type: 'string', format: 'uuid' } } } })
  @Audited('run')
  @TenantScoped('body')
  @HttpCode(202)
  @UsePipes(metricsValidationPipe)
  backfill(@Body() body: BackfillDto, @Req() request: RequestWithActor): Promise<{ run_id: string }> {
    return this.backfills.start(body, request.metricsActor?.id ?? null);
  }

  @Get('runs')
  @Audited('read')
  @ApiOperation({ summary: 'The latest runs, newest first' })
  @ApiOkResponse({ schema: { type: 'array', items: RUN_SCHEMA } })
  @UsePipes(metricsValidationPipe)
  list(@Query() query: RunsQueryDto): Promise<RunView[]> {
    return this.runs.list(query.limit ?? 50);
  }

  @Post('runs/:id/retry')
  @HttpCode(202)
  @Audited('run')
  @ApiOperation({ summary: 'Start a failed run again, for the same range and tenant' })
  @ApiAcceptedResponse({ schema: RUN_SCHEMA })
  retry(@Param('id', uuidId()) id: string, @Req() request: RequestWithActor): Promise<RunView> {
    return this.runs.retry(id, request.metricsActor?.id ?? null);
  }

  @Get('runs/:id')
  @ApiOperation({ summary: 'The state and progress of a run' })
  @ApiOkResponse({ schema: RUN_SCHEMA })
  @ApiNotFoundResponse({ description: 'No such run' })
  @Audited('read')
  run(@Param('id', uuidId()) id: string): Promise<RunView> {
    return this.runs.get(id);
  }
}
