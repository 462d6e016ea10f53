import type { EventCheck } from './event-fields.js';
import { jobEventValidator } from './job-event.validator.js';

const FINISHED = new Date('2025-03-01T10:05:00Z');

function check(event: Record<string, unknown>, at: Date | null = FINISHED) {
  const errors: [string, string][] = [];
  const check: EventCheck = {
    event,
    at,
    actions: [],
    prices: {},
    fail: (field, message) => errors.push([field, message]),
  };
  return { fields: jobEventValidator.validate(check), errors };
}

describe('job event validator', () => {
  it('takes the job, its outcome and when it started', () => {
    expect(check({ job: 'nightly-export', status: 'failed', started_at: '2025-03-01T11:00:00+01:00' })).toEqual({
      fields: { job: 'nightly-export', status: 'failed', started_at: new Date('2025-03-01T10:00:00Z') },
      errors: [],
    });
    expect(jobEventValidator.user).toBe('none');
  });

  it('names every invalid field, in order', () => {
    expect(check({ job: '', status: 'done', started_at: '2025-02-30T10:00:00Z' }).errors).toEqual([
      ['job', 'must be a non-empty string of at most 255 characters'],
      ['status', 'must be succeeded or failed'],
      ['started_at', 'is not a real date and time: 2025-02-30T10:00:00Z'],
    ]);
    expect(check({ job: 'x'.repeat(256), status: 'succeeded', started_at: 5 }).errors).toEqual([
      ['job', 'must be a non-empty string of at most 255 characters'],
      ['started_at', 'must be an ISO-8601 timestamp string'],
    ]);
  });

  it('refuses a start after the finish, and compares nothing when `at` itself was invalid', () => {
    const late = { job: 'j', status: 'succeeded', started_at: '2025-03-01T10:05:01Z' };
    expect(check(late).errors).toEqual([['started_at', 'must not be after at (when the job finished)']]);
    expect(check(late, null)).toEqual({
      fields: { job: 'j', status: 'succeeded', started_at: new Date('2025-03-01T10:05:01Z') },
      errors: [],
    });
  });
});
