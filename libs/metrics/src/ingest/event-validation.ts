import { BadRequestException } from '@nestjs/common';
import {
  EVENT_TYPES,
  MAX_EVENTS_PER_BATCH,
  TENANT_PATTERN,
  USER_EVENT_TYPES,
  type MetricsEventType,
  type UserEventType,
} from '../common/event.types.js';
import type { AiPriceTable } from './ai-cost.js';
import { activationEventValidator } from './validators/activation-event.validator.js';
import { aiUsageEventValidator } from './validators/ai-usage-event.validator.js';
import { apiRequestEventValidator } from './validators/api-request-event.validator.js';
import { parseInstant, text, type EventValidator, type TypedEventFields } from './validators/event-fields.js';
import { jobEventValidator } from './validators/job-event.validator.js';
import { userEventValidator } from './validators/user-event.validator.js';

/** One problem with one event of a batch. */
export interface EventError {
  index: number | null;
  field: string;
  message: string;
}

/** An event as it is stored: typed values, instants as Date. */
export interface ValidEvent extends TypedEventFields {
  type: MetricsEventType;
  id: string | null;
  at: Date;
  tenant: string | null;
  user: string | null;
}

const MAX_REPORTED_ERRORS = 100;

/** A whole batch refused: the 400 lists every problem (up to 100) and nothing was stored. */
export class MetricsEventsRejected extends BadRequestException {
  constructor(readonly errors: EventError[]) {
    const shown = errors.slice(0, MAX_REPORTED_ERRORS);
    const more = errors.length - shown.length;
    const invalid = new Set(errors.map((error) => error.index)).size;
    super({
      statusCode: 400,
      error: 'Bad Request',
      message: `${invalid} invalid event(s); nothing was stored`,
      errors: shown,
      ...(more > 0 ? { more_errors: more } : {}),
    });
  }
}

/** One validator per event type: its own fields and checks (validators/). */
const VALIDATORS: Record<MetricsEventType, EventValidator> = {
  ...(Object.fromEntries(USER_EVENT_TYPES.map((type) => [type, userEventValidator])) as Record<
    UserEventType,
    EventValidator
  >),
  activation: activationEventValidator,
  job: jobEventValidator,
  ai_usage: aiUsageEventValidator,
  api_request: apiRequestEventValidator,
};
const COMMON = ['type', 'id', 'at', 'tenant'];
const NO_TYPED_FIELDS: TypedEventFields = {
  action: null,
  job: null,
  status: null,
  started_at: null,
  model: null,
  input_tokens: null,
  output_tokens: null,
  cost_usd: null,
  duration_ms: null,
  route: null,
};

/** Checks one event: the fields every event has here, its type's own in its validator. */
function validateEvent(
  raw: unknown,
  index: number,
  actions: readonly string[],
  prices: AiPriceTable,
  errors: EventError[],
): ValidEvent | null {
  const fail = (field: string, message: string) => errors.push({ index, field, message });
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
    fail('events', `events[${index}] must be a JSON object`);
    return null;
  }
  const event = raw as Record<string, unknown>;
  const before = errors.length;
  const type = event.type as MetricsEventType;
  if (!EVENT_TYPES.includes(type)) {
    fail('type', `must be one of ${EVENT_TYPES.join(', ')}`);
    return null;
  }
  const validator = VALIDATORS[type];
  for (const key of Object.keys(event)) {
    if (!COMMON.includes(key) && !validator.fields.includes(key)) fail(key, `is not a field of a ${type} event`);
  }
  const id = event.id === undefined || event.id === null ? null : text(event.id, 128);
  if (id === undefined) fail('id', 'must be a string of 1 to 128 characters');
  const at = parseInstant(event.at);
  if (typeof at === 'string') fail('at', at);
  const tenant = event.tenant === undefined || event.tenant === null ? null : event.tenant;
  if (tenant !== null && (typeof tenant !== 'string' || !TENANT_PATTERN.test(tenant))) {
    fail('tenant', 'must be null or 1 to 64 of A-Z, a-z, 0-9, _, . and -');
  }
  // Checked for every type, as before the split: a user given to a type without one is also reported here.
  const userGiven = event.user !== undefined && event.user !== null;
  const user = userGiven ? text(event.user, 255) : null;
  if ((validator.user === 'required' || userGiven) && !user) {
    fail('user', 'must be a non-empty string of at most 255 characters');
  }
  const fields = validator.validate({ event, at: typeof at === 'string' ? null : at, fail, actions, prices });
  if (errors.length > before) return null;
  return {
    type,
    id: id ?? null,
    at: at as Date,
    tenant: tenant as string | null,
    user: user ?? null,
    ...NO_TYPED_FIELDS,
    ...fields,
  };
}

/** Validates a whole batch; throws MetricsEventsRejected listing every problem when any event is invalid. */
export function validateEvents(events: unknown, actions: readonly string[], prices: AiPriceTable = {}): ValidEvent[] {
  if (!Array.isArray(events) || events.length === 0) {
    throw new MetricsEventsRejected([{ index: null, field: 'events', message: 'must be a non-empty array of events' }]);
  }
  if (events.length > MAX_EVENTS_PER_BATCH) {
    throw new MetricsEventsRejected([
      {
        index: null,
        field: 'events',
        message: `at most ${MAX_EVENTS_PER_BATCH} events per batch; got ${events.length}`,
      },
    ]);
  }
  const errors: EventError[] = [];
  const valid = events.map((event, index) => validateEvent(event, index, actions, prices, errors));
  if (errors.length > 0) throw new MetricsEventsRejected(errors);
  return valid as ValidEvent[];
}

/** The body of POST /events: `{ "events": [...] }` and nothing else. */
export function validateEventBatch(body: unknown, actions: readonly string[], prices: AiPriceTable = {}): ValidEvent[] {
  if (!body || typeof body !== 'object' || Array.isArray(body)) {
    throw new MetricsEventsRejected([
      { index: null, field: 'body', message: 'must be a JSON object {"events": [...]}' },
    ]);
  }
  const extra = Object.keys(body).filter((key) => key !== 'events');
  if (extra.length > 0) {
    throw new MetricsEventsRejected(extra.map((field) => ({ index: null, field, message: 'is not allowed' })));
  }
  return validateEvents((body as { events?: unknown }).events, actions, prices);
}
