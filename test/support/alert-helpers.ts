import { AlertEvaluator, MetricsService } from '@exec-metrics/metrics';
import type { TestApp } from './test-app.js';

/** Runs a computation of [start, end] and waits for the alert evaluation it queues. */
export async function computeAndEvaluate(test: TestApp, start: string, end = start, tenant?: string): Promise<void> {
  await test.app.get(MetricsService).computeRange({ start, end, tenant });
  await test.app.get(AlertEvaluator).settled();
}

/** `count` jobs of a tenant finishing at noon UTC on `day`, the first `failed` of them failed. */
export function jobs(
  tenant: string,
  day: string,
  count: number,
  failed: number,
): [string, 'succeeded' | 'failed', string, string][] {
  return Array.from({ length: count }, (_, index) => [
    tenant,
    index < failed ? 'failed' : 'succeeded',
    `${day}T11:59:00Z`,
    `${day}T12:00:00Z`,
  ]);
}

/** Polls `read` until `done` holds (each try 25 ms apart); the test's own timeout bounds the wait. */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
