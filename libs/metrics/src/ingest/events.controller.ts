import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { MetricsAccess, MetricsAccessGuard } from '../security/metrics-access.guard.js';
import type { IngestResult } from './event.types.js';
import { MetricsRecorder } from './metrics-recorder.service.js';

/** POST events: a batch of 1 to 10,000 events, for admins and ingest-only tokens. */
@Controller()
@UseGuards(MetricsAccessGuard)
@MetricsAccess('ingest')
export class EventsController {
  constructor(private readonly recorder: MetricsRecorder) {}

  @Post('events')
  @HttpCode(200)
  ingest(@Body() body: unknown): Promise<IngestResult> {
    return this.recorder.recordBody(body);
  }
}
