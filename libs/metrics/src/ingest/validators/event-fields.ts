import type { AiPriceTable } from '../ai-cost.js';

/** The stored fields only some event types carry; a validator returns those of its type. */
export interface TypedEventFields {
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

/** What a validator sees of one event: its raw fields, the checked `at`, and where problems go. */
export interface EventCheck {
  event: Readonly<Record<string, unknown>>;
  /** The event's instant, null when `at` itself was invalid (already reported). */
  at: Date | null;
  fail: (field: string, message: string) => void;
  /** The configured key actions (activation events). */
  actions: readonly string[];
  /** The configured AI prices (ai_usage events without a cost). */
  prices: AiPriceTable;
}

/** The checks of one event type, beyond the fields every event has (type, id, at, tenant). */
export interface EventValidator {
  /** Its own fields: any other field is refused. */
  fields: readonly string[];
  /** Whether `user` must be given (`optional`: checked only when given). */
  user: 'required' | 'optional' | 'none';
  /** Reports each invalid field through `check.fail`; the values are used only when nothing failed. */
  validate(check: EventCheck): Partial<TypedEventFields>;
}

const ISO_WITH_ZONE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(:(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

/** An ISO-8601 instant with a zone, whose calendar fields are real (2025-02-30 is refused); else the reason. */
export function parseInstant(value: unknown): Date | string {
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

/** A non-empty string of at most `max` characters, else undefined. */
export function text(value: unknown, max: number): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= max ? value : undefined;
}
