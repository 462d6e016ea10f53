import type { MetricsEventType } from './event.types.js';
import type { SourceName } from '../metrics.options.js';

/** How far one late instant's effect reaches around its own local day, in days (null forward: up to today). */
export interface Reach {
  back: number;
  forward: number | null;
}

/**
 * How far a late event's effect reaches around its own local day, in days: a login counts in WAU and MAU
 * for the next 29 days; a signup or deactivation changes a running total up to today (null: no end); a key
 * action can become a user's first one, moving the day of their first key action later (null: no end). A key action
 * also activates the signups of the 7 days before it, but no mark reaches back for them: every run counts the
 * activated signups of the 7 days before its first day again (activation-refresh.sql.ts), so the catch-up that
 * recomputes the key action's own day, or the night that first computes it, brings them up to date.
 * The same reach marks the days of late ingested events and of late rows in a host's `sources` relations.
 */
export const LATE_REACH: Record<MetricsEventType, Reach> = {
  signup: { back: 0, forward: null },
  deactivate: { back: 0, forward: null },
  reactivate: { back: 0, forward: null },
  trial_started: { back: 0, forward: 0 },
  trial_converted: { back: 0, forward: 0 },
  login: { back: 0, forward: 29 },
  activity: { back: 0, forward: 29 },
  activation: { back: 0, forward: null },
  job: { back: 0, forward: 0 },
  ai_usage: { back: 0, forward: 0 },
  api_request: { back: 0, forward: 0 },
};

/** The source whose data an event is, whose days its late instances mark (metrics_dirty_day's `source`). */
export const EVENT_SOURCE: Record<MetricsEventType, SourceName> = {
  signup: 'lifecycle',
  deactivate: 'lifecycle',
  reactivate: 'lifecycle',
  trial_started: 'lifecycle',
  trial_converted: 'lifecycle',
  login: 'activity',
  activity: 'activity',
  activation: 'activation',
  job: 'jobs',
  ai_usage: 'ai',
  api_request: 'api',
};
