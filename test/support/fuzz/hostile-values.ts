import fc from 'fast-check';

/**
 * Hostile values, as fast-check arbitraries: what an attacker or a broken client sends in place of a field.
 * `longest` bounds the very long strings (the bounded run in `npm test` keeps them smaller than `npm run fuzz`).
 */
const TRICKY_STRINGS = [
  '',
  ' ',
  'NaN',
  'Infinity',
  '-Infinity',
  '-1',
  '-0',
  '1e309',
  '0x1F',
  '1_000',
  'null',
  'undefined',
  'true',
  '[]',
  '{}',
  '2025-02-30',
  '2025-13-01',
  '0000-00-00',
  '9999-12-31',
  '275760-09-14',
  '2025-02-29T25:61:00Z',
  '2025-01-01T00:00:00',
  '1970-01-01',
  '__proto__',
  'constructor',
  '../../etc/passwd',
  "' OR 1=1 --",
  '"; DROP TABLE metrics_run; --',
  '=HYPERLINK("http://x")',
  '<script>alert(1)</script>',
  '\u0000',
  'a\u0000b',
  '\u202e\u2066',
  '%00',
  '%2e%2e%2f',
  '\ud800',
  '🦄🦄🦄',
  'ＡＤＭＩＮ',
  '\r\nX-Injected: 1',
  'http://169.254.169.254/latest/meta-data/',
  'http://127.0.0.1:1/',
  'http://[::1]/',
  'file:///etc/passwd',
];

const TRICKY_NUMBERS = [
  -1,
  -0.5,
  0,
  0.001,
  1.123456789,
  -1e15,
  1e15,
  1e308,
  -1e308,
  2 ** 31,
  2 ** 53 + 2,
  Number.MIN_VALUE,
];

/** Nested arrays or objects `depth` levels deep, built without recursion. */
export function deeplyNested(depth: number, asObject: boolean): unknown {
  let value: unknown = 1;
  for (let level = 0; level < depth; level += 1) value = asObject ? { a: value } : [value];
  return value;
}

const scalar = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.constantFrom(...TRICKY_NUMBERS),
  fc.constantFrom(...TRICKY_STRINGS),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
);

/** Any JSON value a body field might receive instead of a good one. */
export function hostileJson(longest: number): fc.Arbitrary<unknown> {
  return fc.oneof(
    { arbitrary: scalar, weight: 6 },
    { arbitrary: fc.integer({ min: 257, max: longest }).map((length) => 'x'.repeat(length)), weight: 1 },
    { arbitrary: fc.array(scalar, { maxLength: 4 }), weight: 2 },
    { arbitrary: fc.dictionary(fc.string({ maxLength: 8 }), scalar, { maxKeys: 3 }), weight: 2 },
    { arbitrary: fc.array(fc.constant('x'), { minLength: 10_001, maxLength: 10_050 }), weight: 1 },
    {
      arbitrary: fc.tuple(fc.integer({ min: 9, max: 200 }), fc.boolean()).map(([d, o]) => deeplyNested(d, o)),
      weight: 1,
    },
  );
}

/** Query and path values are strings; a parameter may also be repeated (an array to the server). */
export function hostileParameter(longest: number): fc.Arbitrary<string[]> {
  const text = fc.oneof(
    { arbitrary: fc.constantFrom(...TRICKY_STRINGS), weight: 5 },
    { arbitrary: fc.constantFrom(...TRICKY_NUMBERS.map(String)), weight: 2 },
    { arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }), weight: 2 },
    { arbitrary: fc.string({ unit: 'binary', maxLength: 30 }), weight: 2 },
    { arbitrary: fc.integer({ min: 257, max: Math.min(longest, 6_000) }).map((n) => 'y'.repeat(n)), weight: 1 },
  );
  return fc.oneof(
    { arbitrary: text.map((value) => [value]), weight: 5 },
    { arbitrary: fc.array(text, { minLength: 2, maxLength: 3 }), weight: 1 },
  );
}

/** Header values must be printable ASCII to be sent at all. */
export const hostileHeader = fc.oneof(
  fc.constantFrom('', 't=1,v1=00', 't=abc,v1=', 'v1=' + 'f'.repeat(64), 't=99999999999,v1=x', 'x'.repeat(4_000)),
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 60 }),
);

/** A field name no DTO declares. */
export const unknownField = fc.oneof(
  fc.constantFrom('is_admin', 'role', '__proto__', 'constructor', 'id', 'updated_by', 'hash', 'prev_hash'),
  fc.stringMatching(/^[a-z][a-z_]{2,20}$/).map((name) => `x_${name}`),
);
