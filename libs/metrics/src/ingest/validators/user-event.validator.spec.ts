import type { EventCheck } from './event-fields.js';
import { userEventValidator } from './user-event.validator.js';

describe('user event validator (signup, login, activity, …)', () => {
  it('has only the user, which is required, and adds no typed field', () => {
    const errors: string[] = [];
    const check: EventCheck = {
      event: { user: 'u1' },
      at: new Date('2025-03-01T10:00:00Z'),
      actions: [],
      prices: {},
      fail: (field) => errors.push(field),
    };
    expect(userEventValidator.fields).toEqual(['user']);
    expect(userEventValidator.user).toBe('required');
    expect(userEventValidator.validate(check)).toEqual({});
    expect(errors).toEqual([]);
  });
});
