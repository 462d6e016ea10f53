import { parseInstant, text } from './event-fields.js';

describe('event field checks', () => {
  it('parses instants with a zone and refuses calendar days that do not exist', () => {
    expect(parseInstant('2025-03-01T10:00:00+02:00')).toEqual(new Date('2025-03-01T08:00:00Z'));
    expect(parseInstant('2024-02-29T23:59:59.5Z')).toEqual(new Date('2024-02-29T23:59:59.500Z'));
    expect(parseInstant('2025-02-29T10:00:00Z')).toBe('is not a real date and time: 2025-02-29T10:00:00Z');
    expect(parseInstant('2025-03-01T24:00:00Z')).toBe('is not a real date and time: 2025-03-01T24:00:00Z');
    expect(parseInstant('2025-03-01T10:00:00')).toBe(
      'must be an ISO-8601 timestamp with a zone offset or Z, e.g. 2025-03-01T10:00:00Z',
    );
    expect(parseInstant(1740823200000)).toBe('must be an ISO-8601 timestamp string');
    expect(parseInstant(new Date(Number.NaN))).toBe('is an invalid Date');
  });

  it('takes non-empty strings up to a length', () => {
    expect(text('abc', 3)).toBe('abc');
    expect(text('abcd', 3)).toBeUndefined();
    expect(text('', 3)).toBeUndefined();
    expect(text(3, 3)).toBeUndefined();
  });
});
