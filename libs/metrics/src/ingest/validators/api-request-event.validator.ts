import { text, type EventValidator } from './event-fields.js';

const MAX_DURATION_MS = 86_400_000;

/** api_request: the HTTP status, the duration, optionally the route pattern. */
export const apiRequestEventValidator: EventValidator = {
  fields: ['status', 'duration_ms', 'route'],
  user: 'none',
  validate({ event, fail }) {
    const { status, duration_ms: duration, route } = event;
    const code = Number.isInteger(status) && (status as number) >= 100 && (status as number) <= 599;
    if (!code) fail('status', 'must be an HTTP status code from 100 to 599');
    const milliseconds = typeof duration === 'number' && Number.isFinite(duration) && duration >= 0;
    if (!milliseconds || duration > MAX_DURATION_MS) fail('duration_ms', 'must be a number of milliseconds ≥ 0');
    if (route !== undefined && route !== null && !text(route, 255)) {
      fail('route', 'must be a string of at most 255 characters');
    }
    return {
      status: code ? (status as number) : null,
      duration_ms: milliseconds ? duration : null,
      route: (route as string | undefined) ?? null,
    };
  },
};
