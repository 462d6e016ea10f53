import { ApiBody, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiMetricsErrors, EVENTS_BODY_SCHEMA } from '../openapi/api-docs.js';
import { Body, HttpCode, Post, UseGuards } from '@nestjs/common';
import { MetricsAccess, MetricsAccessGuard } from '../security/metrics-access.guard.js';
import type { IngestResult } from '../common/event.types.js';
import { MetricsRecorder } from './metrics-recorder.service.js';
import { MetricsRoutes } from '../security/metrics-routes.decorator.js';

/** POST events: a batch of 1 to 10,000 events, for admins and ingest-only tokens. */
@MetricsRoutes()
@UseGuards(MetricsAccessGuard)
@MetricsAccess('ingest')
@ApiTags('metrics: ingest')
@ApiMetricsErrors()
export class EventsController {
  constructor(private readonly recorder: MetricsRecorder) {}

  @Post('events')
  @ApiOperation({ summary: 'Record 1 to 10,000 events, all or nothing; events whose id was seen are skipped' })
  @ApiBody({ schema: EVENTS_BODY_SCHEMA })
  @ApiOkResponse({
    schema: { type: 'object', properties: { accepted: { type: 'integer' }, duplicates: { type: 'integer' } } },
  })
  @HttpCode(200)
  ingest(@Body() body: unknown): Promise<IngestResult> {
    return this.recorder.recordBody(body);
  }
}
