import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DirtyDaysRepository, type LateReach } from '../repositories/dirty-days.repository.js';
import { EventsRepository } from '../repositories/events.repository.js';
import { ApiRollupAccumulator, type ApiRollup } from './api-rollup.js';
import type { ValidEvent } from './event-validation.js';
import { LIFECYCLE_EVENT_TYPES, type MetricsEventType } from '../common/event.types.js';
import { EVENT_SOURCE, LATE_REACH } from '../common/late-reach.js';

const LIFECYCLE = new Set<string>(LIFECYCLE_EVENT_TYPES);
const ACTIVITY = new Set(['login', 'activity']);

/** API requests are never stored one by one: they are added to per-minute rollups with a latency histogram. */
function rollUpRequests(events: ValidEvent[]): ApiRollup[] {
  const rollups = new ApiRollupAccumulator();
  for (const event of events) {
    rollups.add({
      tenant: event.tenant,
      at: event.at,
      route: event.route ?? '',
      status: event.status as number,
      durationMs: event.duration_ms ?? 0,
    });
  }
  return rollups.drain();
}

/** Every timezone offset is a multiple of 15 minutes: instants rounded down to one keep their local day. */
const QUARTER_HOUR = 900_000;

/**
 * Writes validated events set-based, on the caller's transaction: one statement per event table
 * (EventsRepository), and marks the computed days late events reach (DirtyDaysRepository).
 */
@Injectable()
export class EventWriter {
  constructor(
    private readonly events: EventsRepository,
    private readonly dirtyDays: DirtyDaysRepository,
  ) {}

  /** The ids of `events` not recorded before (recorded now): an id seen again is a duplicate. */
  async newIds(manager: EntityManager, events: readonly ValidEvent[]): Promise<Set<string>> {
    const withId = events.filter((event) => event.id !== null);
    if (withId.length === 0) return new Set();
    const fresh = await this.events.recordIds(
      manager,
      withId.map((event) => event.id!),
      withId.map((event) => event.type),
    );
    return new Set(fresh);
  }

  async write(manager: EntityManager, events: ValidEvent[]): Promise<void> {
    const of = (predicate: (event: ValidEvent) => boolean) => events.filter(predicate);
    await this.events.insert(
      manager,
      'insertLifecycle',
      of((event) => LIFECYCLE.has(event.type)).map(({ tenant, user, type, at }) => ({ tenant, user, type, at })),
    );
    await this.events.insert(
      manager,
      'insertActivity',
      of((event) => ACTIVITY.has(event.type)).map(({ tenant, user, type, at }) => ({ tenant, user, type, at })),
    );
    await this.events.insert(
      manager,
      'insertActivation',
      of((event) => event.type === 'activation').map(({ tenant, user, action, at }) => ({ tenant, user, action, at })),
    );
    await this.events.insert(
      manager,
      'insertJobs',
      of((event) => event.type === 'job').map(({ tenant, job, status, started_at, at }) => ({
        tenant,
        job,
        status,
        started_at,
        at,
      })),
    );
    await this.events.insert(
      manager,
      'insertAiUsage',
      of((event) => event.type === 'ai_usage').map(
        ({ tenant, user, model, input_tokens, output_tokens, cost_usd, at }) => ({
          tenant,
          user,
          model,
          input_tokens,
          output_tokens,
          cost_usd,
          at,
        }),
      ),
    );
    await this.upsertApiRollups(manager, rollUpRequests(of((event) => event.type === 'api_request')));
  }

  /**
   * Adds rollup rows to metrics_api_request_rollup in ONE statement: the events endpoint and the API metrics
   * interceptor both write through here. Rows must have distinct (tenant, minute, route) keys, which
   * ApiRollupAccumulator guarantees.
   */
  upsertApiRollups(manager: EntityManager, rollups: readonly ApiRollup[]): Promise<void> {
    return this.events.insert(manager, 'upsertApiRollups', rollups);
  }

  markLateDays(manager: EntityManager, events: ValidEvent[], timezone: string): Promise<void> {
    return this.markLateInstants(
      manager,
      events.map((event) => ({ at: event.at, type: event.type })),
      timezone,
    );
  }

  /**
   * Instants of late events (or of the interceptor's rollup minutes, which count as API requests) make the
   * computed days they reach stale: they are marked, and the next scheduled catch-up recomputes them.
   */
  async markLateInstants(
    manager: EntityManager,
    late: readonly { at: Date; type: MetricsEventType }[],
    timezone: string,
  ): Promise<void> {
    const reaches = new Map<string, LateReach>();
    for (const event of late) {
      const at = new Date(Math.floor(event.at.getTime() / QUARTER_HOUR) * QUARTER_HOUR).toISOString();
      const reach = LATE_REACH[event.type];
      const source = EVENT_SOURCE[event.type];
      reaches.set(`${at}|${reach.back}|${reach.forward}|${source}`, { at, ...reach, source });
    }
    await this.dirtyDays.markLateDays(manager, [...reaches.values()], timezone);
  }
}
