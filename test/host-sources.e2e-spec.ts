import { MetricsService } from '@exec-metrics/metrics';
import { createTestApp, type TestApp } from './support/test-app.js';
import { snapshot } from './support/source-rows.js';

/** A host whose users already live in its own table points the lifecycle and activity sources at it. */
describe('sources option: reading a host table of users', () => {
  let test: TestApp;

  beforeAll(async () => {
    test = await createTestApp({
      metrics: {
        sources: {
          lifecycle: `(SELECT org AS tenant_id, id::text AS user_id, 'signup' AS type, created_at AS occurred_at FROM app_user
                       UNION ALL
                       SELECT org, id::text, 'deactivate', deactivated_at FROM app_user WHERE deactivated_at IS NOT NULL)`,
          activity: 'app_user_login',
        },
      },
      setupSql: [
        `CREATE TABLE app_user (id serial PRIMARY KEY, org text NOT NULL, email text NOT NULL,
           created_at timestamptz NOT NULL, deactivated_at timestamptz)`,
        `CREATE VIEW app_user_login AS
           SELECT u.org AS tenant_id, u.id::text AS user_id, l.at AS occurred_at
           FROM (VALUES (1, '2025-05-01T09:00:00Z'::timestamptz), (1, '2025-05-02T09:00:00Z'), (2, '2025-05-02T10:00:00Z'))
             AS l(user_id, at)
           JOIN app_user u ON u.id = l.user_id`,
        `INSERT INTO app_user (org, email, created_at, deactivated_at) VALUES
           ('acme', 'ann@acme.test', '2025-05-01T08:00:00Z', NULL),
           ('acme', 'bob@acme.test', '2025-05-01T08:30:00Z', '2025-05-03T12:00:00Z'),
           ('initech', 'cy@initech.test', '2025-05-02T08:00:00Z', NULL)`,
      ],
    });
    await test.app
      .get(MetricsService)
      .computeRange({ start: '2025-05-01', end: '2025-05-04', asOf: new Date('2025-07-01Z') });
  });

  afterAll(() => test.close());

  it('computes users and engagement from the host relations', async () => {
    expect(await snapshot(test.dataSource, 'daily', '2025-05-01', 'acme')).toMatchObject({
      new_customers: 2,
      total_customers: 2,
      dau: 1,
    });
    expect(await snapshot(test.dataSource, 'daily', '2025-05-02', 'acme')).toMatchObject({ dau: 2, wau: 2 });
    expect(await snapshot(test.dataSource, 'daily', '2025-05-03', 'acme')).toMatchObject({
      churned_customers: 1,
      total_customers: 1,
      customer_churn_rate: 50,
    });
    expect(await snapshot(test.dataSource, 'daily', '2025-05-04', null)).toMatchObject({
      total_customers: 2,
      signups_total: 3,
    });
    const [stored] = await test.dataSource.query('SELECT count(*)::int AS n FROM metrics_lifecycle_event');
    expect(stored.n).toBe(0); // nothing was copied into the module's own tables
  });
});
