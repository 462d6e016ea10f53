import type { MetricsEventType } from './event.types.js';

/** How far one late instant's effect reaches around its own local day, in days (null forward: up to today). */
export interface Reach {
  back: number;
  forward: number | null;
}

/**
 * How far a late event's effect reaches around its own local day, in days: a login counts in WAU and MAU
 * for the next 29 days; a signup or deactivation changes a running total up to today (null: no end); a key
 * action can become a user's first one and changes the 7-day activation of signups up to 7 days before.
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
  activation: { back: 7, forward: null },
  job: { back: 0, forward: 0 },
  ai_usage: { back: 0, forward: 0 },
  api_request: { back: 0, forward: 0 },
};
