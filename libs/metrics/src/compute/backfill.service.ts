import { Injectable } from '@nestjs/common';
import { daysBetween } from '../common/calendar-dates.js';
import { badRequest } from '../common/validation.js';
import { InjectMetricsOptions } from '../metrics.module-definition.js';
import type { ResolvedMetricsOptions } from '../metrics.options.js';
import type { BackfillDto } from './backfill.dto.js';
import { MetricsRunsService } from './runs.service.js';

/** POST backfill: a range checked against the longest one allowed, then computed as a run in the background. */
@Injectable()
export class Backfills {
  constructor(
    private readonly runs: MetricsRunsService,
    @InjectMetricsOptions() private readonly options: ResolvedMetricsOptions,
  ) {}

  async start(body: BackfillDto, requestedBy: string | null): Promise<{ run_id: string }> {
    if (body.start > body.end) throw badRequest([{ field: 'start', message: 'must not be after end' }]);
    const days = daysBetween(body.start, body.end) + 1;
    if (days > this.options.maxRangeDays.daily) {
      throw badRequest([
        { field: 'end', message: `range is ${days} days; at most ${this.options.maxRangeDays.daily}` },
      ]);
    }
    const run = await this.runs.start({
      start: body.start,
      end: body.end,
      tenant: body.tenant ?? null,
      trigger: 'backfill',
      requestedBy,
    });
    return { run_id: run.run_id };
  }
}
