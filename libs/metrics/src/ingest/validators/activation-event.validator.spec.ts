import { activationEventValidator } from './activation-event.validator.js';
import type { EventCheck } from './event-fields.js';

function check(event: Record<string, unknown>, actions: readonly string[]) {
  const errors: [string, string][] = [];
  const check: EventCheck = {
    event,
    at: null,
    actions,
    prices: {},
    fail: (field, message) => errors.push([field, message]),
  };
  return { fields: activationEventValidator.validate(check), errors };
}

describe('activation event validator', () => {
  it('takes a configured key action and requires the user', () => {
    expect(activationEventValidator.user).toBe('required');
    expect(activationEventValidator.fields).toEqual(['user', 'action']);
    expect(check({ action: 'created_project' }, ['created_project', 'invited_teammate'])).toEqual({
      fields: { action: 'created_project' },
      errors: [],
    });
  });

  it('refuses an action that is not configured, naming the configured ones', () => {
    for (const action of ['deleted_project', 42, undefined, 'constructor']) {
      expect(check({ action }, ['created_project', 'invited_teammate']).errors).toEqual([
        ['action', 'must be one of the configured key actions: created_project, invited_teammate'],
      ]);
    }
  });
});
