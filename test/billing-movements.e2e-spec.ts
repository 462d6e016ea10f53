import { MetricsService, type MetricsSummary } from '@exec-metrics/metrics';
import { BillingMovementsRepository } from '../libs/metrics/src/repositories/billing-movements.repository.js';
import { customer, deliver, stripeEvent, subscription, WEBHOOK_SECRET } from './support/stripe-fixtures.js';
import { call, createTestApp, type TestApp } from './support/test-app.js';

/**
 * The stored billing movements (docs/performance.md, "Stored billing movements"): rebuilt by a compute run, read by a
 * summary for its NRR and GRR while they hold, and dropped by any write to the ledger or to a customer's tenant, by
 * whichever path it comes (manual entries, a batch, Stripe webhooks, SQL), so a summary never reads a stale one.
 *
 * Revenue by hand (UTC): acme (a) 1000 from 11-05, 1500 from 01-15; hooli (b) 200 from 11-10; umbrella (a) 600 from
 * 11-01, 450 from 12-28; initech (b) 400 from 12-03, 0 from 01-20, 250 from 02-03 (reactivated); globex (a) 300 from
 * 01-10. Stripe: cus_w (b) 50.00 from 01-05.
 */
describe('stored billing movements', () => {
  let test: TestApp;
  let metrics: MetricsService;
  const asOf = new Date('2026-02-20T06:00:00Z');
  const RANGES = [
    { start: '2026-01-01', end: '2026-01-31' },
    { start: '2025-12-15', end: '2026-02-14' },
    { start: '2026-02-01', end: '2026-02-07' },
  ];
  const SCOPES = [null, 'a', 'b'];

  const entry = (customerId: string, tenant: string, mrr: number, day: string) =>
    call(test, 'POST', '/api/system/metrics/revenue/entries', {
      body: { customer: customerId, tenant, mrr, effective_date: day },
    });
  const compute = () => metrics.computeRange({ start: '2026-01-01', end: '2026-02-19', asOf });
  const holds = async () =>
    (
      await test.dataSource.query(
        `SELECT EXISTS (SELECT 1 FROM metrics_billing_movement_coverage)
            AND NOT EXISTS (SELECT 1 FROM metrics_billing_movement_stale) AS holds`,
      )
    )[0].holds as boolean;
  const staleCustomers = async () =>
    (await test.dataSource.query(`SELECT customer_id FROM metrics_billing_movement_stale ORDER BY 1`)).map(
      (row: { customer_id: string }) => row.customer_id,
    );
  /** Each stored row's writing transaction, by customer: which customers a refresh wrote again. */
  const writers = async () =>
    Object.fromEntries(
      (
        await test.dataSource.query(
          `SELECT customer_id, string_agg(xmin::text, ',' ORDER BY day) AS xmins FROM metrics_billing_movement GROUP BY 1`,
        )
      ).map((row: { customer_id: string; xmins: string }) => [row.customer_id, row.xmins]),
    );
  const stored = () =>
    test.dataSource.query(
      `SELECT tenant_id, customer_id, day::text AS day, mrr_before::float8 AS before, mrr_after::float8 AS after,
              had_mrr, paying_since::text AS paying_since
       FROM metrics_billing_movement ORDER BY customer_id, day`,
    );
  /** NRR, GRR and logo churn of every range and scope: what the summary reads the movements for. */
  const retention = async () => {
    const answers: Record<string, Partial<MetricsSummary['metrics']>> = {};
    for (const range of RANGES) {
      for (const tenant of SCOPES) {
        const { metrics: values } = await metrics.summary({ ...range, tenant, asOf });
        answers[`${range.start}..${range.end} ${tenant ?? 'global'}`] = {
          nrr: values.nrr,
          grr: values.grr,
          logo_churn_rate: values.logo_churn_rate,
        };
      }
    }
    return answers;
  };
  /** The same answers derived from the ledger: the coverage removed for the reads, then put back. */
  const derived = async () => {
    const [coverage] = await test.dataSource.query(`SELECT * FROM metrics_billing_movement_coverage`);
    await test.dataSource.query('DELETE FROM metrics_billing_movement_coverage');
    const answers = await retention();
    if (coverage) {
      await test.dataSource.query(
        `INSERT INTO metrics_billing_movement_coverage (singleton, timezone, currency, rates, built_at)
         VALUES (true, $1, $2, $3, $4)`,
        [coverage.timezone, coverage.currency, coverage.rates, coverage.built_at],
      );
    }
    return answers;
  };

  beforeAll(async () => {
    test = await createTestApp({
      metrics: { stripe: { webhookSecret: WEBHOOK_SECRET }, rateLimit: false, alerts: { enabled: false } },
    });
    metrics = test.app.get(MetricsService);
    const revenue: [string, string, number, string][] = [
      ['acme', 'a', 1000, '2025-11-05'],
      ['hooli', 'b', 200, '2025-11-10'],
      ['umbrella', 'a', 600, '2025-11-01'],
      ['initech', 'b', 400, '2025-12-03'],
      ['umbrella', 'a', 450, '2025-12-28'],
      ['globex', 'a', 300, '2026-01-10'],
      ['acme', 'a', 1500, '2026-01-15'],
      ['initech', 'b', 0, '2026-01-20'],
      ['initech', 'b', 250, '2026-02-03'],
    ];
    for (const [customerId, tenant, mrr, day] of revenue)
      expect((await entry(customerId, tenant, mrr, day)).status).toBe(201);
    for (const event of [
      stripeEvent({
        id: 'evt_w_customer',
        type: 'customer.created',
        at: '2026-01-05T10:00:00Z',
        object: customer('cus_w', 'b'),
      }),
      stripeEvent({
        id: 'evt_w_subscription',
        type: 'customer.subscription.created',
        at: '2026-01-05T11:00:00Z',
        object: subscription('sub_w', 'cus_w', 'active', [{ amount: 5000 }], { metadata: { tenant_id: 'b' } }),
      }),
    ]) {
      expect((await deliver(test, event)).body).toMatchObject({ outcome: 'applied' });
    }
    expect(await holds()).toBe(false);
    await compute();
  }, 180_000);
  afterAll(() => test.close());

  it('holds every customer movement of the ledger after a run, with its paying streak', async () => {
    expect(await holds()).toBe(true);
    const row = (
      tenant: string,
      id: string,
      day: string,
      before: number,
      after: number,
      had: boolean,
      since: string,
    ) => ({
      tenant_id: tenant,
      customer_id: id,
      day,
      before,
      after,
      had_mrr: had,
      paying_since: since,
    });
    expect(await stored()).toEqual([
      row('a', 'acme', '2025-11-05', 0, 1000, false, '2025-11-05'),
      row('a', 'acme', '2026-01-15', 1000, 1500, true, '2025-11-05'),
      row('b', 'cus_w', '2026-01-05', 0, 50, false, '2026-01-05'),
      row('a', 'globex', '2026-01-10', 0, 300, false, '2026-01-10'),
      row('b', 'hooli', '2025-11-10', 0, 200, false, '2025-11-10'),
      row('b', 'initech', '2025-12-03', 0, 400, false, '2025-12-03'),
      row('b', 'initech', '2026-01-20', 400, 0, true, '2025-12-03'),
      row('b', 'initech', '2026-02-03', 0, 250, true, '2026-02-03'),
      row('a', 'umbrella', '2025-11-01', 0, 600, false, '2025-11-01'),
      row('a', 'umbrella', '2025-12-28', 600, 450, true, '2025-11-01'),
    ]);
  });

  it('gives the summary the same NRR, GRR and logo churn as the ledger, and is what the summary reads', async () => {
    const answers = await retention();
    expect(answers).toEqual(await derived());
    // January, tenant a: acme (1000 → 1500) and umbrella (450) paying on 01-01; globex is new.
    expect(answers['2026-01-01..2026-01-31 a'].nrr).toBe(134.48);
    // January, tenant b: initech (400) left, hooli (200) stayed; cus_w is new.
    expect(answers['2026-01-01..2026-01-31 b'].grr).toBe(33.33);

    // A stored movement changed by hand shows in the summary: it reads the table while the coverage holds.
    await test.dataSource.query(
      `UPDATE metrics_billing_movement SET mrr_after = 1200 WHERE customer_id = 'acme' AND day = '2026-01-15'`,
    );
    expect((await metrics.summary({ ...RANGES[0], tenant: 'a', asOf })).metrics.nrr).toBe(113.79);
    await test.dataSource.query('DELETE FROM metrics_billing_movement_coverage');
    expect((await metrics.summary({ ...RANGES[0], tenant: 'a', asOf })).metrics.nrr).toBe(134.48);
    await compute();
    expect(await retention()).toEqual(answers);
  });

  it("gives a run's snapshots the same revenue as the ledger, and is what a run reads while it holds", async () => {
    // The revenue columns of every snapshot, as a run inside its transaction sees them.
    const revenueOf = (manager: { query: (sql: string) => Promise<unknown> }) =>
      manager.query(
        `SELECT bucket_type, bucket_date::text AS day, tenant_id, mrr::float8 AS mrr, nrr::float8 AS nrr,
                grr::float8 AS grr, logo_churn_rate::float8 AS logo_churn, mrr_churn::float8 AS mrr_churn,
                paying_customers
         FROM system_metrics_snapshot ORDER BY 1, 2, 3`,
      );
    await compute();
    const fromStored = await revenueOf(test.dataSource);
    // A dry run brings nothing up to date: without the coverage it derives the movements from the ledger.
    await test.dataSource.query('DELETE FROM metrics_billing_movement_coverage');
    let fromLedger: unknown;
    await metrics.computeRange({
      start: '2026-01-01',
      end: '2026-02-19',
      asOf,
      inspectThenRollBack: async (manager) => {
        fromLedger = await revenueOf(manager);
      },
    });
    expect(fromLedger).toEqual(fromStored);
    expect(fromStored).toContainEqual(
      expect.objectContaining({ bucket_type: 'monthly', day: '2026-01-01', tenant_id: 'a', nrr: 134.48 }),
    );

    // A stored movement changed by hand shows in the run's snapshots: the run reads the table while it holds.
    await compute();
    await test.dataSource.query(
      `UPDATE metrics_billing_movement SET mrr_after = 1200 WHERE customer_id = 'acme' AND day = '2026-01-15'`,
    );
    await compute();
    expect(await revenueOf(test.dataSource)).toContainEqual(
      expect.objectContaining({ bucket_type: 'monthly', day: '2026-01-01', tenant_id: 'a', nrr: 113.79 }),
    );
    await test.dataSource.query('DELETE FROM metrics_billing_movement_coverage');
    await compute();
    expect(await revenueOf(test.dataSource)).toEqual(fromStored);
  });

  it('names the customers every kind of ledger write touches; the next run writes theirs alone again, as a full rebuild would', async () => {
    const writes: [string, string[], () => Promise<unknown>][] = [
      [
        'a manual entry',
        ['hooli'],
        async () => expect((await entry('hooli', 'b', 150, '2026-01-25')).status).toBe(201),
      ],
      [
        'a batch',
        ['acme', 'stark'],
        async () => {
          const body = {
            entries: [
              { customer: 'acme', tenant: 'a', mrr: 900, effective_date: '2026-02-02' },
              { customer: 'stark', tenant: 'a', mrr: 80, effective_date: '2026-01-03' },
            ],
          };
          expect((await call(test, 'POST', '/api/system/metrics/revenue/entries/batch', { body })).status).toBe(201);
        },
      ],
      [
        'a Stripe subscription change',
        ['cus_w'],
        async () => {
          const event = stripeEvent({
            id: 'evt_w_upgrade',
            type: 'customer.subscription.updated',
            at: '2026-01-28T09:00:00Z',
            object: subscription('sub_w', 'cus_w', 'active', [{ amount: 9000 }], { metadata: { tenant_id: 'b' } }),
          });
          expect((await deliver(test, event)).body).toMatchObject({ outcome: 'applied' });
        },
      ],
      [
        'a Stripe customer moved to another tenant',
        ['cus_w'],
        async () => {
          const event = stripeEvent({
            id: 'evt_w_moved',
            type: 'customer.updated',
            at: '2026-02-10T09:00:00Z',
            object: customer('cus_w', 'a'),
          });
          expect((await deliver(test, event)).body).toMatchObject({ outcome: 'applied' });
        },
      ],
      [
        'SQL on the ledger',
        ['globex'],
        () => test.dataSource.query(`DELETE FROM metrics_revenue_ledger WHERE customer_id = 'globex'`),
      ],
    ];
    const movements = test.app.get(BillingMovementsRepository);
    const terms = { tz: 'UTC', currency: 'USD', rates: '{}' };
    for (const [write, touched, run] of writes) {
      const storedBefore = await stored();
      const writersBefore = await writers();
      expect([write, await holds()]).toEqual([write, true]);
      await run();
      expect([write, await staleCustomers(), await holds()]).toEqual([write, touched, false]);
      expect([write, await movements.refresh(terms)]).toEqual([write, 'stale customers']);
      expect([write, await holds()]).toEqual([write, true]);
      expect([write, await stored()]).not.toEqual([write, storedBefore]);
      // Only the touched customers' rows were written again.
      const writersAfter = await writers();
      for (const id of Object.keys({ ...writersBefore, ...writersAfter })) {
        const rewritten = writersAfter[id] !== writersBefore[id];
        expect([write, id, rewritten]).toEqual([write, id, touched.includes(id)]);
      }
      // The same rows as every customer's written again, and the summary's answers those of the ledger.
      const refreshed = await stored();
      await test.dataSource.query('DELETE FROM metrics_billing_movement_coverage');
      expect([write, await movements.refresh(terms)]).toEqual([write, 'all customers']);
      expect([write, await stored()]).toEqual([write, refreshed]);
      await compute();
      expect([write, await retention()]).toEqual([write, await derived()]);
    }
    const movedTo = await test.dataSource.query(
      `SELECT DISTINCT tenant_id FROM metrics_billing_movement WHERE customer_id = 'cus_w'`,
    );
    expect(movedTo).toEqual([{ tenant_id: 'a' }]);
  }, 120_000);

  it('holds only for the timezone, currency and rates it was built in', async () => {
    const held = () =>
      test.app
        .get(BillingMovementsRepository)
        .holds({ tz: 'UTC', currency: 'USD', rates: JSON.stringify({ EUR: 1.1 }) });
    await call(test, 'PATCH', '/api/system/metrics/config', { body: { currency_rates: { EUR: 1.1 } } });
    expect(await holds()).toBe(true); // built with no rates: it does not hold for these
    expect(await held()).toBe(false);
    await compute();
    expect(await held()).toBe(true);
    expect(await retention()).toEqual(await derived());

    // Built in UTC, read in Tokyo: a summary there derives its own local days until a run there rebuilds them.
    await call(test, 'PATCH', '/api/system/metrics/config', { body: { timezone: 'Asia/Tokyo' } });
    expect(await held()).toBe(true);
    expect(await retention()).toEqual(await derived());
    await compute();
    const [coverage] = await test.dataSource.query(
      `SELECT timezone, currency, rates FROM metrics_billing_movement_coverage`,
    );
    expect(coverage).toEqual({ timezone: 'Asia/Tokyo', currency: 'USD', rates: { EUR: 1.1 } });
    expect(await retention()).toEqual(await derived());
    await call(test, 'PATCH', '/api/system/metrics/config', { body: { timezone: 'UTC' } });
  }, 120_000);

  it('waits for a ledger write in flight, and includes it', async () => {
    await compute();
    const writer = test.dataSource.createQueryRunner();
    await writer.connect();
    await writer.startTransaction();
    await writer.query(
      `INSERT INTO metrics_revenue_ledger (customer_id, subscription_id, effective_at, seq, status, currency, mrr, cause)
       VALUES ('hooli', 'manual:hooli', '2026-02-05T12:00:00Z', 99, 'active', 'USD', 175, 'manual')`,
    );
    let settled = false;
    const refresh = test.app
      .get(BillingMovementsRepository)
      .refresh({ tz: 'UTC', currency: 'USD', rates: JSON.stringify({ EUR: 1.1 }) })
      .finally(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(settled).toBe(false);
    await writer.commitTransaction();
    await writer.release();
    expect(await refresh).toBe('stale customers');
    expect(
      await test.dataSource.query(
        `SELECT mrr_before::float8 AS before, mrr_after::float8 AS after FROM metrics_billing_movement WHERE customer_id = 'hooli' AND day = '2026-02-05'`,
      ),
    ).toEqual([{ before: 150, after: 175 }]);
    expect(await holds()).toBe(true);
  });

  it('holds back a ledger write during a rebuild, which then names its customer stale', async () => {
    expect(await holds()).toBe(true);
    const rebuild = test.dataSource.createQueryRunner();
    await rebuild.connect();
    await rebuild.startTransaction();
    await rebuild.query(`SELECT pg_advisory_xact_lock(hashtext('exec-metrics:billing-movements'))`);
    let settled = false;
    const write = entry('hooli', 'b', 180, '2026-02-06').finally(() => (settled = true));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(settled).toBe(false);
    await rebuild.commitTransaction();
    await rebuild.release();
    expect((await write).status).toBe(201);
    expect(await staleCustomers()).toEqual(['hooli']);
    expect(await holds()).toBe(false);
  });

  it('emptying the ledger drops the coverage; the next run empties the movements', async () => {
    await compute();
    expect(await holds()).toBe(true);
    await test.dataSource.query('TRUNCATE metrics_revenue_ledger');
    expect(await holds()).toBe(false);
    await compute();
    expect(await holds()).toBe(true);
    expect(await stored()).toEqual([]);
  });
});
