import { parseInstant, text, type EventValidator } from './event-fields.js';

/** job: its name, succeeded or failed, and when it started (`at` is when it finished). */
export const jobEventValidator: EventValidator = {
  fields: ['job', 'status', 'started_at'],
  user: 'none',
  validate({ event, at, fail }) {
    const job = text(event.job, 255) ?? null;
    if (!job) fail('job', 'must be a non-empty string of at most 255 characters');
    const status = event.status === 'succeeded' || event.status === 'failed' ? event.status : null;
    if (!status) fail('status', 'must be succeeded or failed');
    const started = parseInstant(event.started_at);
    if (typeof started === 'string') {
      fail('started_at', started);
      return { job, status };
    }
    if (at && started > at) {
      fail('started_at', 'must not be after at (when the job finished)');
      return { job, status };
    }
    return { job, status, started_at: started };
  },
};
