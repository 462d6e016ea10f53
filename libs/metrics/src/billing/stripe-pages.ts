import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryPolicy {
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 6, baseDelayMs: 500, maxDelayMs: 20_000 };

interface StripeLikeError {
  statusCode?: number;
  type?: string;
  headers?: Record<string, string>;
}

/** Rate limits (429) and lost connections are worth retrying; anything else is a real error. */
function retryDelay(error: unknown, attempt: number, policy: RetryPolicy): number | null {
  const failure = error as StripeLikeError;
  const retryable = failure.statusCode === 429 || failure.type === 'StripeConnectionError';
  if (!retryable || attempt >= policy.attempts) return null;
  const retryAfter = Number(failure.headers?.['retry-after']);
  const backoff = Math.min(policy.baseDelayMs * 2 ** (attempt - 1), policy.maxDelayMs);
  return Number.isFinite(retryAfter) && retryAfter > 0 ? Math.min(retryAfter * 1000, policy.maxDelayMs) : backoff;
}

/**
 * Every object of a Stripe list, through the SDK's auto-pagination; when a page fails with a 429 or a network
 * error, waits (exponential backoff, or the server's Retry-After) and resumes after the last object seen.
 */
export async function* allPages<T extends { id: string }>(
  list: (params: { starting_after?: string }) => AsyncIterable<T>,
  policy: RetryPolicy = DEFAULT_RETRY,
  onRetry?: (attempt: number, delayMs: number, error: unknown) => void,
): AsyncGenerator<T> {
  let after: string | undefined;
  let attempt = 0;
  for (;;) {
    try {
      for await (const item of list(after ? { starting_after: after } : {})) {
        after = item.id;
        attempt = 0;
        yield item;
      }
      return;
    } catch (error) {
      attempt += 1;
      const delay = retryDelay(error, attempt, policy);
      if (delay === null) throw error;
      onRetry?.(attempt, delay, error);
      await sleep(delay);
    }
  }
}
