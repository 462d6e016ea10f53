import type { AiModelPrice } from '../entities/config.entity.js';

/** The price table of the configuration: model → USD per million input and output tokens. */
export type AiPriceTable = Readonly<Record<string, AiModelPrice>>;

const MICRO = 1_000_000n;
/** numeric(20,6) holds 14 digits before the point. */
const MAX_COST_MICROS = 10n ** 20n - 1n;

/** A price with at most 6 decimals (as validated) in millionths of a dollar, exactly. */
function micros(usd: number): bigint {
  return BigInt(Math.round(usd * 1_000_000));
}

/** The model's price, if the table has one (own keys only: "constructor" is not a model with a price). */
export function priceOf(prices: AiPriceTable, model: string): AiModelPrice | undefined {
  return Object.hasOwn(prices, model) ? prices[model] : undefined;
}

/**
 * The cost of a call in USD as a decimal string with 6 decimals, computed exactly in integers:
 * (input × input price + output × output price) / 1,000,000, rounded half up to a millionth of a dollar.
 * Null when it would not fit the stored column.
 */
export function aiCostUsd(price: AiModelPrice, inputTokens: number, outputTokens: number): string | null {
  // tokens × micro-USD per million tokens = 10⁻¹² USD; ÷ 10⁶ (half up) = micro-USD.
  const picoUsd = BigInt(inputTokens) * micros(price.input_per_1m) + BigInt(outputTokens) * micros(price.output_per_1m);
  const cost = (picoUsd + MICRO / 2n) / MICRO;
  if (cost > MAX_COST_MICROS) return null;
  return `${cost / MICRO}.${(cost % MICRO).toString().padStart(6, '0')}`;
}
