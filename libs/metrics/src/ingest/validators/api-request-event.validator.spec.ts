import { apiRequestEventValidator } from './api-request-event.validator.js';
import type { EventCheck } from './event-fields.js';

function check(event: Record<string, unknown>) {
  const errors: [string, string][] = [];
  const check: EventCheck = {
    event,
    at: new Date('2025-03-01T10:00:00Z'),
    actions: [],
    prices: {},
    fail: (field, message) => errors.push([field, message]),
  };
  return { fields: apiRequestEventValidator.validate(check), errors };
}

describe('api_request event validator', () => {
  it('takes the status, the duration and the optional route', () => {
    expect(check({ status: 404, duration_ms: 12.5, route: 'GET /users/:id' })).toEqual({
      fields: { status: 404, duration_ms: 12.5, route: 'GET /users/:id' },
      errors: [],
    });
    expect(check({ status: 100, duration_ms: 86_400_000 }).fields).toEqual({
      status: 100,
      duration_ms: 86_400_000,
      route: null,
    });
  });

  it('names each invalid field', () => {
    expect(check({ status: 600, duration_ms: -1, route: '' }).errors).toEqual([
      ['status', 'must be an HTTP status code from 100 to 599'],
      ['duration_ms', 'must be a number of milliseconds ≥ 0'],
      ['route', 'must be a string of at most 255 characters'],
    ]);
    expect(check({ status: 200.5, duration_ms: 86_400_001 }).errors.map(([field]) => field)).toEqual([
      'status',
      'duration_ms',
    ]);
    expect(check({ status: '200', duration_ms: Number.NaN, route: 'x'.repeat(256) }).errors.length).toBe(3);
  });
});
