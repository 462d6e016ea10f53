import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import { MetricsConfigService, MetricsRecorder, MetricsService, StripeEventsService } from '@exec-metrics/metrics';
import { generateDemoStripeEvents } from './demo/demo-stripe.js';
import { generateDemoEvents } from './demo/demo-data.js';

const BATCH = 5_000;

/** True when no event of any kind has been recorded yet. */
export async function databaseIsEmpty(dataSource: DataSource): Promise<boolean> {
  const [row] = await dataSource.query<{ empty: boolean }[]>(
    `SELECT NOT EXISTS (SELECT 1 FROM metrics_lifecycle_event) AND NOT EXISTS (SELECT 1 FROM metrics_activity_event) AS empty`,
  );
  return row.empty;
}

/**
 * Fills an empty database with a year of realistic history for three tenants, through the same recorder a
 * host uses, then backfills every snapshot and cohort so the panel has numbers at once.
 */
export async function seedDemoData(
  dataSource: DataSource,
  services: {
    recorder: MetricsRecorder;
    metrics: MetricsService;
    config: MetricsConfigService;
    stripe: StripeEventsService;
  },
  timezone: string,
): Promise<void> {
  const { recorder, metrics, config, stripe } = services;
  const logger = new Logger('DemoData');
  // Financial inputs so that burn and runway have numbers too.
  await config.update({ monthly_burn_rate: '85000', cash_balance: '1275000' }, 'demo-seed');
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  const started = Date.now();
  const events = generateDemoEvents({ endDate: yesterday, months: 12 });
  for (let index = 0; index < events.length; index += BATCH) {
    await recorder.recordBatch(events.slice(index, index + BATCH));
  }
  logger.log(`recorded ${events.length} demo events in ${Date.now() - started} ms`);
  // Billing history through the code that handles real Stripe webhooks, in the order Stripe sent it.
  const stripeEvents = generateDemoStripeEvents({ endDate: yesterday, months: 12 });
  await dataSource.transaction(async (manager) => {
    for (const event of stripeEvents) await stripe.apply(manager, event, timezone);
  });
  logger.log(`replayed ${stripeEvents.length} demo Stripe events`);
  const first = events.reduce((min: string, event) => {
    const at = new Date(event.at).toISOString().slice(0, 10);
    return at < min ? at : min;
  }, yesterday);
  const run = await metrics.run({ start: first, end: yesterday, trigger: 'backfill', requestedBy: 'demo-seed' });
  if (run.status !== 'succeeded') throw new Error(`demo backfill failed: ${run.error ?? run.status}`);
  logger.log(`backfilled ${first}..${yesterday} (${timezone}) in ${Date.now() - started} ms in all`);
}
