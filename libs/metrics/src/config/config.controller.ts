import { AdminRoutes } from '../security/admin-routes.decorator.js';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { Body, Get, Patch, Query, Req, UsePipes } from '@nestjs/common';
import { Audited, auditEntryFor } from '../security/audit.interceptor.js';
import { AuditService, changedFields } from '../security/audit.service.js';
import { badRequest, metricsValidationPipe, NoQueryDto } from '../read/validation.js';
import { TenantScoped, type RequestWithActor } from '../security/metrics-access.guard.js';
import { ConfigPatchDto } from './config-patch.dto.js';
import { MetricsConfigService, type MetricsConfigJson } from './metrics-config.service.js';

/** GET and PATCH of the single configuration row. The path prefix comes from the module options. */
@AdminRoutes('metrics: configuration')
export class ConfigController {
  constructor(
    private readonly config: MetricsConfigService,
    private readonly audit: AuditService,
  ) {}

  @Get('config')
  @ApiOperation({ summary: 'The configuration: thresholds, financial inputs, toggles, timezone, currency' })
  @ApiOkResponse({ description: 'The configuration, snake_case fields' })
  @Audited('read')
  @TenantScoped('none')
  @UsePipes(metricsValidationPipe)
  // The query is validated only, so that an unknown parameter is refused by name rather than ignored.
  async read(@Query() _query: NoQueryDto): Promise<MetricsConfigJson> {
    return MetricsConfigService.toJson(await this.config.get());
  }

  @Patch('config')
  @ApiOperation({ summary: 'Change any subset of the configuration (validated and audited)' })
  @ApiOkResponse({ description: 'The configuration after the change' })
  @Audited('config_change', { byHandler: true })
  @UsePipes(metricsValidationPipe)
  async change(@Body() patch: ConfigPatchDto, @Req() request: RequestWithActor): Promise<MetricsConfigJson> {
    const fields = Object.keys(patch);
    // An empty change would still stamp updated_by/updated_at: refuse it rather than record a non-event.
    if (fields.length === 0) throw badRequest([{ field: 'body', message: 'names no field to change' }]);
    const { after } = await this.config.update(
      { ...patch },
      request.metricsActor?.id ?? 'unknown',
      (before, now, manager) =>
        this.audit.record(
          {
            ...auditEntryFor(request, 'config_change'),
            changes: changedFields({ ...before }, { ...now }, fields),
            outcome: 200,
          },
          manager,
        ),
    );
    return after;
  }
}
