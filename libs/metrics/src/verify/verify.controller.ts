import { Get, Query, UsePipes } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { metricsValidationPipe } from '../common/validation.js';
import { OptionalWholeNumber } from '../common/whole-number-param.js';
import { AdminRoutes } from '../security/admin-routes.decorator.js';
import { Audited } from '../security/audit.interceptor.js';
import { MetricsVerifier, type VerifyReport } from './metrics-verifier.service.js';

export class VerifyQueryDto {
  @OptionalWholeNumber({
    description: 'Days of snapshots recomputed and compared',
    default: 5,
    minimum: 1,
    maximum: 31,
  })
  sample?: number;
}

/**
 * GET verify: the same checks as `npm run metrics -- verify`. Always 200 (the request itself succeeded); `ok`
 * is false when a check failed, so a health check reads `ok` rather than the status.
 */
@AdminRoutes('metrics: security')
export class VerifyController {
  constructor(private readonly verifier: MetricsVerifier) {}

  @Get('verify')
  @ApiOperation({
    summary:
      'Check the stored data: audit chain, revenue reconciliation, a sample of snapshots recomputed, dirty days, stuck runs, failing deliveries, pending migrations',
  })
  @ApiOkResponse({ description: '{ ok, checks: [{ name, verdict: ok|warning|failed, detail, examples? }] }' })
  @Audited('read')
  @UsePipes(metricsValidationPipe)
  verify(@Query() query: VerifyQueryDto): Promise<VerifyReport> {
    return this.verifier.verify(query.sample ?? 5);
  }
}
