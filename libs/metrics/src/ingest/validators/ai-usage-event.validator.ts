import { aiCostUsd, priceOf } from '../ai-cost.js';
import { text, type EventCheck, type EventValidator } from './event-fields.js';

const DECIMAL = /^\d{1,14}(\.\d{1,6})?$/;

const isTokenCount = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;

/** The cost: as given, or from the configured price of the model and the token counts. */
function costOf({ event, prices, fail }: EventCheck, model: string | null): string | null {
  if (event.cost_usd === undefined || event.cost_usd === null) {
    // Only tokens: the cost comes from the configured price, frozen at ingest (a later price change does
    // not rewrite history). A model without a price is refused, never stored at a silent cost of 0.
    const price = model ? priceOf(prices, model) : undefined;
    if (!price) {
      fail('cost_usd', `is required: the configuration's ai_prices has no price for model "${model ?? ''}"`);
      return null;
    }
    const { input_tokens: input, output_tokens: output } = event;
    if (!Number.isSafeInteger(input) || !Number.isSafeInteger(output)) return null;
    const cost = aiCostUsd(price, input as number, output as number);
    if (cost === null) fail('cost_usd', 'the cost computed from the price table is too large to store');
    return cost;
  }
  const given = typeof event.cost_usd === 'number' ? String(event.cost_usd) : event.cost_usd;
  const cost = typeof given === 'string' && DECIMAL.test(given) ? given : null;
  if (cost === null) fail('cost_usd', 'must be a decimal ≥ 0 with at most 6 decimals');
  return cost;
}

/** ai_usage: the model, the token counts, the cost (given, or computed from ai_prices), optionally a user. */
export const aiUsageEventValidator: EventValidator = {
  fields: ['model', 'input_tokens', 'output_tokens', 'cost_usd', 'user'],
  user: 'optional',
  validate(check) {
    const { event, fail } = check;
    const model = text(event.model, 128) ?? null;
    if (!model) fail('model', 'must be a non-empty string of at most 128 characters');
    for (const field of ['input_tokens', 'output_tokens'] as const) {
      if (!isTokenCount(event[field])) fail(field, 'must be a whole number ≥ 0');
    }
    return {
      model,
      input_tokens: event.input_tokens as number,
      output_tokens: event.output_tokens as number,
      cost_usd: costOf(check, model),
    };
  },
};
