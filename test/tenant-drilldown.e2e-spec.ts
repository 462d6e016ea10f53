import type { NextFunction, Request, Response } from 'express';
import { MetricsService } from '@exec-metrics/metrics';
import { REVENUE_EVENTS } from './support/revenue-scenario.js';
import { insertSourceRows } from './support/source-rows.js';
import { deliver, WEBHOOK_SECRET } from './support/stripe-fixtures.js';
import { call, createTestApp, type TestApp } from './support/test-app.js';

/**
 * The dashboard's drill-downs on revenue-scenario.ts plus logins: GET tenants/ranking (tenants by MRR, active
 * users, growth) and GET revenue/movements (the customers behind a waterfall bar). MRR by hand, per tenant:
 *   acme   on 02-01 at start: c1 150 + c2 100 + c5 50 (c8 churned 01-25) = 300; on 02-28: c1 150 + c2 50 + c5 50
 *          + c8 90 = 340 → growth (340 − 300) ÷ 300 = 13.33 %
 *   globex on 02-01 at start: c3 100 + c4 100 + c7 300 = 500; on 02-28: c3 160 + c4 100 (c7 canceled 02-20) = 260
 *          → growth −48 %
 *   initech: logins only (no billing customer), so no MRR and no growth.
 * MAU on 02-28 (logins in [01-30, 02-28]): initech 3, globex 2, acme 1.
 */
const PREFIX = '/api/system/metrics';
const FEBRUARY = 'start=2026-02-01&end=2026-02-28';
const asOf = new Date('2026-05-10T00:00:00Z');

function hostAuth(request: Request & { user?: unknown }, _response: Response, next: NextFunction) {
  const users: Record<string, unknown> = {
    intern: { id: 2, email: 'intern@host.test', role: 'member' },
    'acme-admin': { id: 3, email: 'ops@acme.test', role: 'admin', tenants: ['acme', 'initech'] },
  };
  const name = request.headers['x-test-user'];
  if (typeof name === 'string' && users[name]) request.user = users[name];
  next();
}

type Ranked = {
  rank: number;
  tenant: string;
  mrr: number | null;
  mrr_at_start: number | null;
  growth_pct: number | null;
  active_users: number | null;
  sparkline: { date: string; mrr: number | null; active_users: number | null }[];
};
type Ranking = { total: number; bucket: string; tenants: Ranked[] };

describe('tenant drill-down and the customers behind a waterfall bar', () => {
  let test: TestApp;
  const get = async <T>(path: string, user?: string) => {
    const answer = await call(
      test,
      'GET',
      `${PREFIX}/${path}`,
      user ? { token: null, headers: { 'x-test-user': user } } : {},
    );
    return { status: answer.status, body: answer.body as T };
  };
  const ranking = async (query: string) => {
    const answer = await get<Ranking>(`tenants/ranking?${FEBRUARY}${query}`);
    expect(answer.status).toBe(200);
    return answer.body;
  };

  beforeAll(async () => {
    test = await createTestApp({
      configure: (app) => app.use(hostAuth),
      metrics: {
        stripe: { webhookSecret: WEBHOOK_SECRET },
        rateLimit: false,
        tenantScope: (request) => (request as Request & { user?: { tenants?: string[] } }).user?.tenants ?? null,
      },
    });
    for (const event of REVENUE_EVENTS) expect((await deliver(test, event)).status).toBe(200);
    await insertSourceRows(test.dataSource, {
      activity: [
        ['initech', 'i1', '2026-02-10T09:00:00Z'],
        ['initech', 'i2', '2026-02-11T09:00:00Z'],
        ['initech', 'i3', '2026-01-30T09:00:00Z'],
        ['initech', 'i4', '2026-01-29T09:00:00Z'], // one day before the 30-day window of 02-28
        ['globex', 'g1', '2026-02-20T09:00:00Z'],
        ['globex', 'g2', '2026-02-21T09:00:00Z'],
        ['acme', 'a1', '2026-02-27T09:00:00Z'],
      ],
    });
    await test.app.get(MetricsService).computeRange({ start: '2026-01-01', end: '2026-02-28', asOf });
  }, 180_000);
  afterAll(() => test.close());

  it('ranks tenants by MRR, by active users and by growth, with a sparkline each', async () => {
    const byMrr = await ranking('');
    expect(byMrr.total).toBe(3);
    expect(byMrr.bucket).toBe('daily');
    expect(byMrr.tenants.map(({ sparkline: _s, ...rest }) => rest)).toEqual([
      { rank: 1, tenant: 'acme', mrr: 340, mrr_at_start: 300, growth_pct: 13.33, active_users: 1 },
      { rank: 2, tenant: 'globex', mrr: 260, mrr_at_start: 500, growth_pct: -48, active_users: 2 },
      expect.objectContaining({ rank: 3, tenant: 'initech', growth_pct: null, active_users: 3 }),
    ]);
    // No billing customer: no MRR worth ranking above anyone.
    expect(byMrr.tenants[2].mrr ?? 0).toBe(0);
    const acme = byMrr.tenants[0].sparkline;
    expect(acme).toHaveLength(28);
    expect(acme[0]).toEqual({ date: '2026-02-01', mrr: 300, active_users: 0 });
    // c2's downgrade on 02-03, c8's return on 02-15 at $60 and its $90 on 02-25.
    expect(acme.find((point) => point.date === '2026-02-03')?.mrr).toBe(250);
    expect(acme.find((point) => point.date === '2026-02-15')?.mrr).toBe(310);
    expect(acme[27]).toEqual({ date: '2026-02-28', mrr: 340, active_users: 1 });

    expect((await ranking('&sort=active_users')).tenants.map((row) => row.tenant)).toEqual([
      'initech',
      'globex',
      'acme',
    ]);
    // Growth: acme's +13.33 % before globex's −48 %; initech has none, so it comes last in either order.
    expect((await ranking('&sort=growth')).tenants.map((row) => [row.tenant, row.growth_pct])).toEqual([
      ['acme', 13.33],
      ['globex', -48],
      ['initech', null],
    ]);
    expect((await ranking('&sort=growth&order=asc')).tenants.map((row) => row.tenant)).toEqual([
      'globex',
      'acme',
      'initech',
    ]);
    const second = await ranking('&sort=active_users&limit=1&offset=1');
    expect(second.total).toBe(3);
    expect(second.tenants.map((row) => [row.rank, row.tenant])).toEqual([[2, 'globex']]);
    // A year: monthly points? No, 365 days draw weekly, as the dashboard's automatic bucket does.
    const year = await get<Ranking>('tenants/ranking?start=2025-03-01&end=2026-02-28&limit=1');
    expect(year.body.bucket).toBe('weekly');
    expect(year.body.tenants[0].sparkline.map((point) => point.date).slice(-2)).toEqual(['2026-02-16', '2026-02-23']);
  });

  it('ranks a user limited to some tenants among those only, and refuses non-admins', async () => {
    const scoped = await get<Ranking>(`tenants/ranking?${FEBRUARY}`, 'acme-admin');
    expect(scoped.status).toBe(200);
    expect(scoped.body.total).toBe(2);
    expect(scoped.body.tenants.map((row) => row.tenant)).toEqual(['acme', 'initech']);
    expect(JSON.stringify(scoped.body)).not.toContain('globex');

    expect((await get(`tenants/ranking?${FEBRUARY}`, 'intern')).status).toBe(403);
    expect((await call(test, 'GET', `${PREFIX}/tenants/ranking?${FEBRUARY}`, { token: null })).status).toBe(401);
    expect((await call(test, 'GET', `${PREFIX}/tenants/ranking?${FEBRUARY}`, { token: test.ingestToken })).status).toBe(
      403,
    );
    const audit = await test.dataSource.query<{ actor: string; outcome: number }[]>(
      `SELECT actor, outcome FROM metrics_audit_log WHERE route LIKE '%tenants/ranking' ORDER BY id`,
    );
    expect(audit).toEqual(
      expect.arrayContaining([
        { actor: 'token:admin token (options)', outcome: 200 },
        { actor: 'ops@acme.test', outcome: 200 },
      ]),
    );
  });

  it('names the field of a bad ranking query', async () => {
    const cases: [string, string][] = [
      ['start=2026-02-30&end=2026-02-28', 'start'],
      ['start=2026-03-01&end=2026-02-28', 'start'],
      [`${FEBRUARY}&sort=revenue`, 'sort'],
      [`${FEBRUARY}&order=up`, 'order'],
      [`${FEBRUARY}&limit=0`, 'limit'],
      [`${FEBRUARY}&offset=-1`, 'offset'],
      // Longer than the monthly limit (20 years by default).
      ['start=2000-01-01&end=2026-02-28', 'end'],
    ];
    for (const [query, field] of cases) {
      const answer = await get<{ errors: { field: string }[] }>(`tenants/ranking?${query}`);
      expect({ query, status: answer.status }).toEqual({ query, status: 400 });
      expect(answer.body.errors.map((error) => error.field)).toEqual([field]);
    }
  });

  it('lists the customers behind each waterfall bar; their amounts add up to the bar', async () => {
    const movements = async (query: string) => {
      const answer = await get<{
        total: number;
        total_amount: number;
        customers: { customer: string; tenant: string; amount: number; days: number; first_day: string }[];
      }>(`revenue/movements?${query}`);
      expect(answer.status).toBe(200);
      return answer.body;
    };
    const january = 'start=2026-01-01&end=2026-01-31';
    const fresh = await movements(`${january}&movement=new`);
    // c7 300; c1, c2, c3, c4 (50 % off) 100 each, c5 50 (after its trial), c8 40.
    expect(fresh.customers.map((row) => [row.customer, row.amount])).toEqual([
      ['cus_7', 300],
      ['cus_1', 100],
      ['cus_2', 100],
      ['cus_3', 100],
      ['cus_4', 100],
      ['cus_5', 50],
      ['cus_8', 40],
    ]);
    expect([fresh.total, fresh.total_amount]).toEqual([7, 790]);
    expect((await movements(`${january}&movement=churn`)).customers).toEqual([
      expect.objectContaining({ customer: 'cus_8', tenant: 'acme', amount: 40, days: 1, first_day: '2026-01-25' }),
    ]);
    const february = await movements(`${FEBRUARY}&movement=expansion`);
    expect(february.customers.map((row) => [row.customer, row.amount])).toEqual([
      ['cus_3', 60],
      ['cus_8', 30],
    ]);
    expect((await movements(`${FEBRUARY}&movement=expansion&tenant=globex`)).customers.map((r) => r.customer)).toEqual([
      'cus_3',
    ]);
    expect((await movements(`${FEBRUARY}&movement=reactivation`)).customers.map((r) => [r.customer, r.amount])).toEqual(
      [['cus_8', 60]],
    );
    expect((await movements(`${FEBRUARY}&movement=contraction`)).total_amount).toBe(50);
    expect((await movements(`${FEBRUARY}&movement=churn`)).customers.map((r) => [r.customer, r.amount])).toEqual([
      ['cus_7', 300],
    ]);
    // The same numbers as the waterfall's bars (the summary's movements over the range).
    const summary = (await get<{ metrics: Record<string, number> }>(`summary?${FEBRUARY}`)).body.metrics;
    expect([summary.mrr_expansion, summary.mrr_reactivation, summary.mrr_contraction, summary.mrr_churn]).toEqual([
      90, 60, 50, 300,
    ]);
  });

  it('keeps a scoped user to their tenants and names the field of a bad movements query', async () => {
    expect((await get(`revenue/movements?${FEBRUARY}&movement=churn&tenant=globex`, 'acme-admin')).status).toBe(403);
    expect((await get(`revenue/movements?${FEBRUARY}&movement=churn`, 'acme-admin')).status).toBe(403);
    const own = await get<{ customers: unknown[] }>(
      `revenue/movements?${FEBRUARY}&movement=churn&tenant=acme`,
      'acme-admin',
    );
    expect([own.status, own.body.customers]).toEqual([200, []]);
    expect(
      (await call(test, 'GET', `${PREFIX}/revenue/movements?${FEBRUARY}&movement=new`, { token: null })).status,
    ).toBe(401);
    for (const [query, field] of [
      [`${FEBRUARY}&movement=upsell`, 'movement'],
      [FEBRUARY, 'movement'],
      [`${FEBRUARY}&movement=new&tenant=a%20b`, 'tenant'],
      ['start=2026-03-01&end=2026-02-28&movement=new', 'start'],
    ]) {
      const answer = await get<{ errors: { field: string }[] }>(`revenue/movements?${query}`);
      expect({ query, status: answer.status }).toEqual({ query, status: 400 });
      expect(answer.body.errors.map((error) => error.field)).toEqual([field]);
    }
  });
});
