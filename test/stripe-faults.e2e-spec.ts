import { MetricsService } from '@exec-metrics/metrics';
import type { TemporaryPostgres } from '../scripts/postgres-server.mjs';
import { ownPostgres } from './support/postgres.js';
import { REVENUE_EVENTS } from './support/revenue-scenario.js';
import { snapshot } from './support/source-rows.js';
import { deliver, WEBHOOK_SECRET } from './support/stripe-fixtures.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * The database restarts in the middle of a burst of Stripe webhooks. Stripe redelivers what was not answered
 * 2xx; every event must end up stored exactly once and the revenue must be what in-order delivery gives.
 */
describe('a webhook burst while the database restarts', () => {
  let server: TemporaryPostgres;
  let test: TestApp;

  beforeAll(async () => {
    server = await ownPostgres({ durable: true });
    test = await createTestApp({
      databaseUrl: server.url,
      metrics: { stripe: { webhookSecret: WEBHOOK_SECRET }, rateLimit: false },
    });
  });

  afterAll(async () => {
    await test.close();
    server.stop();
  });

  it('loses nothing that was acknowledged, stores nothing twice, and recovers without a restart', async () => {
    const acknowledged = new Set<string>();
    const refusals: number[] = [];
    // Like Stripe: deliver, and redeliver after a pause until the answer is 2xx.
    const deliverUntilAcknowledged = async (event: (typeof REVENUE_EVENTS)[number]) => {
      for (let attempt = 0; attempt < 200; attempt += 1) {
        const answer = await deliver(test, event).catch(() => ({ status: 0 }));
        if (answer.status === 200) {
          acknowledged.add(event.id);
          // A quarter of the way in, the database goes down for a while.
          if (acknowledged.size === 10) {
            server.crash();
            setTimeout(() => server.restart(), 400);
          }
          return;
        }
        refusals.push(answer.status);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      throw new Error(`${event.id} was never acknowledged`);
    };
    const queue = [...REVENUE_EVENTS];
    const workers = Array.from({ length: 4 }, async () => {
      for (let event = queue.shift(); event; event = queue.shift()) await deliverUntilAcknowledged(event);
    });
    await Promise.all(workers);

    expect(acknowledged.size).toBe(REVENUE_EVENTS.length);
    expect(refusals.length).toBeGreaterThan(0);
    expect(refusals.every((status) => status === 0 || status >= 500)).toBe(true); // the outage was the server's
    const [stored] = await test.dataSource.query(
      `SELECT count(*)::int AS events, count(DISTINCT id)::int AS ids,
              count(*) FILTER (WHERE outcome = 'applied')::int AS applied FROM metrics_stripe_event`,
    );
    expect(stored).toEqual({
      events: REVENUE_EVENTS.length,
      ids: REVENUE_EVENTS.length,
      applied: REVENUE_EVENTS.length,
    });

    await test.app
      .get(MetricsService)
      .computeRange({ start: '2026-01-01', end: '2026-02-28', asOf: new Date('2026-05-10T00:00:00Z') });
    const february = await snapshot(test.dataSource, 'monthly', '2026-02-01', null);
    expect([february?.mrr, february?.nrr, february?.mrr_churn]).toEqual([600, 63.75, 300]);
  });
});
