import { BadRequestException } from '@nestjs/common';
import {
  EVENT_TYPES,
  MAX_EVENTS_PER_BATCH,
  TENANT_PATTERN,
  USER_EVENT_TYPES,
  type MetricsEventType,
} from '../common/event.types.js';
import { aiCostUsd, priceOf, type AiPriceTable } from './ai-cost.js';

/** One problem with one event of a batch. */
export interface EventError {
  index: number | null;
  field: string;
  message: string;
}

/** An event as it is stored: typed values, instants as Date. */
export interface ValidEvent {
  type: MetricsEventType;
  id: string | null;
  at: Date;
  tenant: string | null;
  user: string | null;
  action: string | null;
  job: string | null;
  status: string | number | null;
  started_at: Date | null;
  model: string | null;
  input_tokens: number | null;
  output_tokens: number | null;
  cost_usd: string | null;
  duration_ms: number | null;
  route: string | null;
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

const FIELDS: Record<MetricsEventType, string[]> = {
  ...(Object.fromEntries(USER_EVENT_TYPES.map((type) => [type, ['user']])) as Record<string, string[]>),
  activation: ['user', 'action'],
  job: ['job', 'status', 'started_at'],
  ai_usage: ['model', 'input_tokens', 'output_tokens', 'cost_usd', 'user'],
  api_request: ['status', 'duration_ms', 'route'],
} as Record<MetricsEventType, string[]>;
const COMMON = ['type', 'id', 'at', 'tenant'];
const ISO_WITH_ZONE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(:(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
const DECIMAL = /^\d{1,14}(\.\d{1,6})?$/;

/** An ISO-8601 instant with a zone, whose calendar fields are real (2025-02-30 is refused). */
function parseInstant(value: unknown): Date | string {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'is an invalid Date' : value;
  if (typeof value !== 'string') return 'must be an ISO-8601 timestamp string';
  const match = ISO_WITH_ZONE.exec(value);
  if (!match) return 'must be an ISO-8601 timestamp with a zone offset or Z, e.g. 2025-03-01T10:00:00Z';
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 7].map((i) => Number(match[i] ?? 0));
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (
    calendar.getUTCMonth() !== month - 1 ||
    calendar.getUTCDate() !== day ||
    hour > 23 ||
    minute > 59 ||
    second > 59
  ) {
    return `is not a real date and time: ${value}`;
  }
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? `is not a valid timestamp: ${value}` : date;
}

function text(value: unknown, max: number): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= max ? value : undefined;
}

/** Checks one event; pushes its problems and returns the stored form when there are none. */
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
  for (const key of Object.keys(event)) {
    if (!COMMON.includes(key) && !FIELDS[type].includes(key)) fail(key, `is not a field of a ${type} event`);
  }
  const id = event.id === undefined || event.id === null ? null : text(event.id, 128);
  if (id === undefined) fail('id', 'must be a string of 1 to 128 characters');
  const at = parseInstant(event.at);
  if (typeof at === 'string') fail('at', at);
  const tenant = event.tenant === undefined || event.tenant === null ? null : event.tenant;
  if (tenant !== null && (typeof tenant !== 'string' || !TENANT_PATTERN.test(tenant))) {
    fail('tenant', 'must be null or 1 to 64 of A-Z, a-z, 0-9, _, . and -');
  }

  const needsUser = type !== 'job' && type !== 'ai_usage' && type !== 'api_request';
  const userGiven = event.user !== undefined && event.user !== null;
  const user = userGiven ? text(event.user, 255) : null;
  if ((needsUser || userGiven) && !user) fail('user', 'must be a non-empty string of at most 255 characters');

  let action: string | null = null;
  if (type === 'activation') {
    action = typeof event.action === 'string' && actions.includes(event.action) ? event.action : null;
    if (!action) fail('action', `must be one of the configured key actions: ${actions.join(', ')}`);
  }
  let job: string | null = null;
  let startedAt: Date | null = null;
  let status: string | number | null = null;
  if (type === 'job') {
    job = text(event.job, 255) ?? null;
    if (!job) fail('job', 'must be a non-empty string of at most 255 characters');
    status = event.status === 'succeeded' || event.status === 'failed' ? event.status : null;
    if (!status) fail('status', 'must be succeeded or failed');
    const started = parseInstant(event.started_at);
    if (typeof started === 'string') fail('started_at', started);
    else if (at instanceof Date && started > at) fail('started_at', 'must not be after at (when the job finished)');
    else startedAt = started;
  }
  let model: string | null = null;
  let inputTokens: number | null = null;
  let outputTokens: number | null = null;
  let cost: string | null = null;
  if (type === 'ai_usage') {
    model = text(event.model, 128) ?? null;
    if (!model) fail('model', 'must be a non-empty string of at most 128 characters');
    for (const field of ['input_tokens', 'output_tokens'] as const) {
      const value = event[field];
      if (!Number.isSafeInteger(value) || (value as number) < 0) fail(field, 'must be a whole number ≥ 0');
    }
    inputTokens = event.input_tokens as number;
    outputTokens = event.output_tokens as number;
    if (event.cost_usd === undefined || event.cost_usd === null) {
      // Only tokens: the cost comes from the configured price, frozen at ingest (a later price change does
      // not rewrite history). A model without a price is refused, never stored at a silent cost of 0.
      const price = model ? priceOf(prices, model) : undefined;
      if (!price) {
        fail('cost_usd', `is required: the configuration's ai_prices has no price for model "${model ?? ''}"`);
      } else if (Number.isSafeInteger(inputTokens) && Number.isSafeInteger(outputTokens)) {
        cost = aiCostUsd(price, inputTokens!, outputTokens!);
        if (cost === null) fail('cost_usd', 'the cost computed from the price table is too large to store');
      }
    } else {
      const rawCost = typeof event.cost_usd === 'number' ? String(event.cost_usd) : event.cost_usd;
      cost = typeof rawCost === 'string' && DECIMAL.test(rawCost) ? rawCost : null;
      if (cost === null) fail('cost_usd', 'must be a decimal ≥ 0 with at most 6 decimals');
    }
  }
  let duration: number | null = null;
  let route: string | null = null;
  if (type === 'api_request') {
    status =
      Number.isInteger(event.status) && (event.status as number) >= 100 && (event.status as number) <= 599
        ? (event.status as number)
        : null;
    if (status === null) fail('status', 'must be an HTTP status code from 100 to 599');
    duration =
      typeof event.duration_ms === 'number' && Number.isFinite(event.duration_ms) && event.duration_ms >= 0
        ? event.duration_ms
        : null;
    if (duration === null || duration > 86_400_000) fail('duration_ms', 'must be a number of milliseconds ≥ 0');
    if (event.route !== undefined && event.route !== null && !text(event.route, 255)) {
      fail('route', 'must be a string of at most 255 characters');
    }
    route = (event.route as string | undefined) ?? null;
  }
  if (errors.length > before) return null;
  return {
    type,
    id: id ?? null,
    at: at as Date,
    tenant: tenant as string | null,
    user: user ?? null,
    action,
    job,
    status,
    started_at: startedAt,
    model,
    input_tokens: inputTokens,
    output_tokens: outputTokens,
    cost_usd: cost,
    duration_ms: duration,
    route,
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
