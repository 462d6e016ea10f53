import { Get, Query, Req, ServiceUnavailableException, UsePipes } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { metricsValidationPipe } from '../common/validation.js';
import { AdminRoutes } from '../security/admin-routes.decorator.js';
import { AuditService, auditParams } from '../security/audit.service.js';
import { AUTO_REFRESH_HEADER, Audited, auditEntryFor } from '../security/audit.interceptor.js';
import { TenantScoped, type RequestWithActor } from '../security/metrics-access.guard.js';
import { FIRST_VIEW_READS, FirstViewQueryDto, type FirstView } from './first-view.dto.js';
import { FirstViewService, previousRange } from './first-view.service.js';

/** The panel's first view of a dashboard in one request (docs/panel.md): the separate routes stay as they are. */
@AdminRoutes('metrics: read')
@UsePipes(metricsValidationPipe)
export class FirstViewController {
  constructor(
    private readonly firstViews: FirstViewService,
    private readonly audit: AuditService,
  ) {}

  @Get('first-view')
  @ApiOperation({
    summary: 'The dashboard first view in one read: catalog, summary, previous-period summary, timeseries, annotations',
  })
  @ApiOkResponse({
    description:
      '{ reads, previous_range: { start, end }, catalog, summary, previous, timeseries, annotations }: each part ' +
      'as GET catalog, summary, summary (previous period), timeseries and annotations answer the same filters',
  })
  // The handler writes the one record itself, so that it names every read it made (a failure: the interceptor).
  @Audited('read', { byHandler: true })
  @TenantScoped('query')
  async firstView(@Query() query: FirstViewQueryDto, @Req() request: RequestWithActor): Promise<FirstView> {
    const answer = await this.firstViews.firstView(query);
    const before = previousRange(query.start, query.end);
    const entry = {
      ...auditEntryFor(request, 'read'),
      params: auditParams({
        ...(request.query as Record<string, unknown>),
        reads: FIRST_VIEW_READS.join(', '),
        previous_start: before.start,
        previous_end: before.end,
      }),
    };
    // As for every audited read: an automatic refresh of a view recorded in the last 24 hours is not recorded again.
    const refresh = request.headers[AUTO_REFRESH_HEADER] === 'auto';
    try {
      if (!(refresh && (await this.audit.readRecordedRecently(entry))))
        await this.audit.record({ ...entry, outcome: 200 });
    } catch {
      throw new ServiceUnavailableException('The audit record could not be written, so the request was not served');
    }
    return answer;
  }
}
