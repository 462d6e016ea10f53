import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MetricsConfigService } from '../repositories/metrics-config.service.js';
import { validateEventBatch, validateEvents, type ValidEvent } from './event-validation.js';
import { EventWriter } from './event-writer.js';
import type { IngestResult, MetricsEvent } from '../common/event.types.js';

/**
 * Records events from inside the host (and behind POST /events). A batch is validated whole, then stored
 * all-or-nothing in one transaction; an event whose id was stored before is skipped, not stored twice.
 */
@Injectable()
export class MetricsRecorder {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: MetricsConfigService,
    private readonly writer: EventWriter,
  ) {}

  record(event: MetricsEvent): Promise<IngestResult> {
    return this.recordBatch([event]);
  }

  async recordBatch(events: MetricsEvent[]): Promise<IngestResult> {
    const config = await this.config.get();
    return this.store(validateEvents(events, config.activation_actions, config.ai_prices), config.timezone);
  }

  /** The body of POST /events, as it came. */
  async recordBody(body: unknown): Promise<IngestResult> {
    const config = await this.config.get();
    return this.store(validateEventBatch(body, config.activation_actions, config.ai_prices), config.timezone);
  }

  private store(events: ValidEvent[], timezone: string): Promise<IngestResult> {
    return this.dataSource.transaction(async (manager) => {
      const fresh = await this.writer.newIds(manager, events);
      // The first event with a new id is stored; later ones with the same id (in this batch or before) are not.
      const accepted = events.filter((event) => event.id === null || fresh.delete(event.id));
      await this.writer.write(manager, accepted);
      await this.writer.markLateDays(manager, accepted, timezone);
      return { accepted: accepted.length, duplicates: events.length - accepted.length };
    });
  }
}
