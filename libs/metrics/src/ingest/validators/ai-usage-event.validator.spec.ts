import { aiUsageEventValidator } from './ai-usage-event.validator.js';
import type { EventCheck } from './event-fields.js';

// USD per million tokens.
const PRICES = {
  'model-a': { input_per_1m: 3, output_per_1m: 15 },
  'model-dear': { input_per_1m: 1_000_000_000, output_per_1m: 0 },
};

function check(event: Record<string, unknown>) {
  const errors: [string, string][] = [];
  const check: EventCheck = {
    event,
    at: new Date('2025-03-01T10:00:00Z'),
    actions: [],
    prices: PRICES,
    fail: (field, message) => errors.push([field, message]),
  };
  return { fields: aiUsageEventValidator.validate(check), errors };
}

describe('ai_usage event validator', () => {
  it('keeps a given cost as its decimal text', () => {
    expect(check({ model: 'other', input_tokens: 10, output_tokens: 0, cost_usd: 0.25 })).toEqual({
      fields: { model: 'other', input_tokens: 10, output_tokens: 0, cost_usd: '0.25' },
      errors: [],
    });
    expect(aiUsageEventValidator.user).toBe('optional');
  });

  it('computes a missing cost from the configured price', () => {
    // 1,000 × $3 / 1M + 500 × $15 / 1M = $0.003 + $0.0075
    expect(check({ model: 'model-a', input_tokens: 1000, output_tokens: 500 }).fields.cost_usd).toBe('0.010500');
  });

  it('refuses a missing cost for a model without a price, and names each invalid field', () => {
    expect(check({ model: 'model-b', input_tokens: 1, output_tokens: 1 }).errors).toEqual([
      ['cost_usd', `is required: the configuration's ai_prices has no price for model "model-b"`],
    ]);
    expect(check({ model: '', input_tokens: -1, output_tokens: 1.5, cost_usd: '1.1234567' }).errors).toEqual([
      ['model', 'must be a non-empty string of at most 128 characters'],
      ['input_tokens', 'must be a whole number ≥ 0'],
      ['output_tokens', 'must be a whole number ≥ 0'],
      ['cost_usd', 'must be a decimal ≥ 0 with at most 6 decimals'],
    ]);
    // 9.007e15 tokens × $1e9 per million = $9.007e18: more than the 14 digits numeric(20,6) holds.
    expect(check({ model: 'model-dear', input_tokens: Number.MAX_SAFE_INTEGER, output_tokens: 0 }).errors).toEqual([
      ['cost_usd', 'the cost computed from the price table is too large to store'],
    ]);
  });
});
