import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { MetricsConfigService } from '../repositories/metrics-config.service.js';
import { validateEventBatch, validateEvents, type ValidEvent } from './event-validation.js';
import { markLateDays, writeEvents } from './event-writer.js';
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
      const withId = events.filter((event) => event.id !== null);
      const fresh = new Set<string>();
      if (withId.length > 0) {
        const inserted = await manager.query<{ event_id: string }[]>(
          `INSERT INTO metrics_ingested_event (event_id, type)
           SELECT * FROM unnest($1::varchar[], $2::varchar[]) ON CONFLICT DO NOTHING RETURNING event_id`,
          [withId.map((event) => event.id), withId.map((event) => event.type)],
        );
        for (const row of inserted) fresh.add(row.event_id);
      }
      // The first event with a new id is stored; later ones with the same id (in this batch or before) are not.
      const accepted = events.filter((event) => event.id === null || fresh.delete(event.id));
      await writeEvents(manager, accepted);
      await markLateDays(manager, accepted, timezone);
      return { accepted: accepted.length, duplicates: events.length - accepted.length };
    });
  }
}
