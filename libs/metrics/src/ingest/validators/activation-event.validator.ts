import type { EventValidator } from './event-fields.js';

/** activation: a user and one of the configured key actions. */
export const activationEventValidator: EventValidator = {
  fields: ['user', 'action'],
  user: 'required',
  validate({ event, actions, fail }) {
    const action = typeof event.action === 'string' && actions.includes(event.action) ? event.action : null;
    if (!action) fail('action', `must be one of the configured key actions: ${actions.join(', ')}`);
    return { action };
  },
};
