import type { EventValidator } from './event-fields.js';

/** signup, deactivate, reactivate, login, activity, trial_started, trial_converted: a user and nothing else. */
export const userEventValidator: EventValidator = {
  fields: ['user'],
  user: 'required',
  validate: () => ({}),
};
