/** The events of docs/host-integration.md ("Event types"), as a host records them (`MetricsRecorder`) or posts them (`POST /events`). */

export const USER_EVENT_TYPES = [
  'signup',
  'deactivate',
  'reactivate',
  'login',
  'activity',
  'trial_started',
  'trial_converted',
] as const;
export type UserEventType = (typeof USER_EVENT_TYPES)[number];

/** The user events stored as lifecycle events (the `lifecycle` source's `type`); login and activity are activity. */
export const LIFECYCLE_EVENT_TYPES = [
  'signup',
  'deactivate',
  'reactivate',
  'trial_started',
  'trial_converted',
] as const;

export const EVENT_TYPES = [...USER_EVENT_TYPES, 'activation', 'job', 'ai_usage', 'api_request'] as const;
export type MetricsEventType = (typeof EVENT_TYPES)[number];

interface EventBase {
  /** Optional idempotency key (≤ 128 chars): an event whose id was stored before is skipped. */
  id?: string;
  /** When it happened: ISO-8601 with a zone offset or Z (a Date is accepted from inside the host). */
  at: string | Date;
  /** At most 64 of [A-Za-z0-9_.-], or null for events that belong to no tenant. */
  tenant: string | null;
}

export interface UserEvent extends EventBase {
  type: UserEventType;
  user: string;
}

export interface ActivationMetricsEvent extends EventBase {
  type: 'activation';
  user: string;
  action: string;
}

export interface JobMetricsEvent extends EventBase {
  type: 'job';
  job: string;
  status: 'succeeded' | 'failed';
  started_at: string | Date;
}

export interface AiUsageMetricsEvent extends EventBase {
  type: 'ai_usage';
  model: string;
  input_tokens: number;
  output_tokens: number;
  /** Optional when the configuration's ai_prices has a price for the model: the cost is computed from tokens. */
  cost_usd?: number | string | null;
  user?: string | null;
}

export interface ApiRequestMetricsEvent extends EventBase {
  type: 'api_request';
  status: number;
  duration_ms: number;
  route?: string | null;
}

export type MetricsEvent =
  UserEvent | ActivationMetricsEvent | JobMetricsEvent | AiUsageMetricsEvent | ApiRequestMetricsEvent;

export interface IngestResult {
  accepted: number;
  duplicates: number;
}

export const MAX_EVENTS_PER_BATCH = 10_000;
export const TENANT_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
