import { Body, Controller, Get, Patch, Req, UseGuards, UsePipes } from '@nestjs/common';
import { metricsValidationPipe } from '../read/validation.js';
import { MetricsAccess, MetricsAccessGuard, type RequestWithActor } from '../security/metrics-access.guard.js';
import { ConfigPatchDto } from './config-patch.dto.js';
import { MetricsConfigService, type MetricsConfigJson } from './metrics-config.service.js';

/** GET and PATCH of the single configuration row. The path prefix comes from the module options. */
@Controller()
@UseGuards(MetricsAccessGuard)
@MetricsAccess('admin')
export class ConfigController {
  constructor(private readonly config: MetricsConfigService) {}

  @Get('config')
  async read(): Promise<MetricsConfigJson> {
    return MetricsConfigService.toJson(await this.config.get());
  }

  @Patch('config')
  @UsePipes(metricsValidationPipe)
  async change(@Body() patch: ConfigPatchDto, @Req() request: RequestWithActor): Promise<MetricsConfigJson> {
    const { after } = await this.config.update({ ...patch }, request.metricsActor?.id ?? 'unknown');
    return after;
  }
}
