import { AdminRoutes } from '../security/admin-routes.decorator.js';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiResponse } from '@nestjs/swagger';
import { Body, Get, Patch, Query, Req, Res, UsePipes } from '@nestjs/common';
import type { Response } from 'express';
import { Audited, auditEntryFor } from '../security/audit.interceptor.js';
import { metricsValidationPipe, NoQueryDto } from '../common/validation.js';
import { actorId, TenantScoped, type RequestWithActor } from '../security/metrics-access.guard.js';
import { ConfigPatchDto } from './config-patch.dto.js';
import { ConfigChanges, type ChangedConfig, type TaggedConfig } from './config-changes.service.js';
import type { MetricsConfigJson } from '../repositories/metrics-config.service.js';

const ETAG_HEADER = { description: 'A strong validator of the stored configuration, for If-Match on PATCH config' };

/** The answer's body, its ETag in the header. */
function tagged<T extends MetricsConfigJson>(response: Response, { body, etag }: TaggedConfig<T>): T {
  response.setHeader('ETag', etag);
  return body;
}

/** GET and PATCH of the single configuration row. The path prefix comes from the module options. */
@AdminRoutes('metrics: configuration')
export class ConfigController {
  constructor(private readonly config: ConfigChanges) {}

  @Get('config')
  @ApiOperation({ summary: 'The configuration: thresholds, financial inputs, toggles, timezone, currency' })
  @ApiOkResponse({ description: 'The configuration, snake_case fields', headers: { ETag: ETAG_HEADER } })
  @Audited('read')
  @TenantScoped('none')
  @UsePipes(metricsValidationPipe)
  // The query is validated only, so that an unknown parameter is refused by name rather than ignored.
  async read(@Query() _query: NoQueryDto, @Res({ passthrough: true }) response: Response): Promise<MetricsConfigJson> {
    return tagged(response, await this.config.read());
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
  ): Promise<ChangedConfig> {
    return tagged(
      response,
      await this.config.change(
        patch,
        actorId(request),
        auditEntryFor(request, 'config_change'),
        request.headers['if-match'],
      ),
    );
  }
}
