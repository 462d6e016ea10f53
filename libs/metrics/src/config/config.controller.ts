import { AdminRoutes } from '../security/admin-routes.decorator.js';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiResponse } from '@nestjs/swagger';
import { Body, Get, Patch, Query, Req, Res, UsePipes } from '@nestjs/common';
import type { Response } from 'express';
import { Audited, auditEntryFor } from '../security/audit.interceptor.js';
import { AuditService, changedFields } from '../security/audit.service.js';
import { badRequest, metricsValidationPipe, NoQueryDto } from '../common/validation.js';
import { TenantScoped, type RequestWithActor } from '../security/metrics-access.guard.js';
import { ConfigPatchDto } from './config-patch.dto.js';
import { ConventionsChangeService } from './conventions-change.service.js';
import { MetricsConfigService, type MetricsConfigJson } from '../repositories/metrics-config.service.js';

const ETAG_HEADER = { description: 'A strong validator of the stored configuration, for If-Match on PATCH config' };

/** GET and PATCH of the single configuration row. The path prefix comes from the module options. */
@AdminRoutes('metrics: configuration')
export class ConfigController {
  constructor(
    private readonly config: MetricsConfigService,
    private readonly audit: AuditService,
    private readonly conventions: ConventionsChangeService,
  ) {}

  @Get('config')
  @ApiOperation({ summary: 'The configuration: thresholds, financial inputs, toggles, timezone, currency' })
  @ApiOkResponse({ description: 'The configuration, snake_case fields', headers: { ETag: ETAG_HEADER } })
  @Audited('read')
  @TenantScoped('none')
  @UsePipes(metricsValidationPipe)
  // The query is validated only, so that an unknown parameter is refused by name rather than ignored.
  async read(@Query() _query: NoQueryDto, @Res({ passthrough: true }) response: Response): Promise<MetricsConfigJson> {
    const config = MetricsConfigService.toJson(await this.config.get());
    response.setHeader('ETag', MetricsConfigService.etag(config));
    return config;
  }

  @Patch('config')
  @ApiOperation({ summary: 'Change any subset of the configuration (validated and audited)' })
  @ApiHeader({
    name: 'If-Match',
    required: false,
    description:
      'The ETag of GET config: the change is made only if the configuration is still that one (`*`: any). ' +
      'Without it the change is made unconditionally.',
  })
  @ApiOkResponse({ description: 'The configuration after the change', headers: { ETag: ETAG_HEADER } })
  @ApiResponse({ status: 412, description: 'If-Match names an ETag the configuration no longer has: nothing changed' })
  @Audited('config_change', { byHandler: true })
  @UsePipes(metricsValidationPipe)
  async change(
    @Body() patch: ConfigPatchDto,
    @Req() request: RequestWithActor,
    @Res({ passthrough: true }) response: Response,
  ): Promise<MetricsConfigJson & { revenue_recompute_run_id?: string | null }> {
    const fields = Object.keys(patch);
    // An empty change would still stamp updated_by/updated_at: refuse it rather than record a non-event.
    if (fields.length === 0) throw badRequest([{ field: 'body', message: 'names no field to change' }]);
    const actor = request.metricsActor?.id ?? 'unknown';
    const { before, after } = await this.config.update(
      { ...patch },
      actor,
      async (before, now, manager) => {
        await this.conventions.rebuildIfNeeded(before, now, manager);
        await this.audit.record(
          {
            ...auditEntryFor(request, 'config_change'),
            changes: changedFields({ ...before }, { ...now }, fields),
            outcome: 200,
          },
          manager,
        );
      },
      request.headers['if-match'],
    );
    response.setHeader('ETag', MetricsConfigService.etag(after));
    if (!ConventionsChangeService.changed(before, after)) return after;
    // A revenue convention changed: history is recomputed in the background, the answer names the run.
    const run = await this.conventions.recompute(after, actor);
    return { ...after, revenue_recompute_run_id: run?.run_id ?? null };
  }
}
