import { call, createTestApp, type TestApp } from './support/test-app.js';

const PREFIX = '/api/system/metrics';

interface Annotation {
  id: string;
  day: string;
  label: string;
  tenant: string | null;
  created_by: string;
}

/** Annotations: validated, audited with the change, tenant views see their own and the global ones. */
describe('annotations API', () => {
  let test: TestApp;
  const audits = async () =>
    await test.dataSource.query<{ action: string; method: string; outcome: number; params: Record<string, unknown> }[]>(
      `SELECT action, method, outcome, params FROM metrics_audit_log WHERE action = 'annotation_change' ORDER BY id`,
    );

  beforeAll(async () => {
    test = await createTestApp();
  });

  afterAll(() => test.close());

  it('marks days, lists them per view and removes one, each change audited', async () => {
    const launch = await call(test, 'POST', `${PREFIX}/annotations`, { body: { day: '2025-04-10', label: 'Launch' } });
    expect(launch.status).toBe(201);
    expect(launch.body).toMatchObject({
      day: '2025-04-10',
      label: 'Launch',
      tenant: null,
      created_by: expect.any(String),
    });
    const pricing = await call(test, 'POST', `${PREFIX}/annotations`, {
      body: { day: '2025-04-20', label: '  Pricing change  ', tenant: 'acme' },
    });
    expect(pricing.body).toMatchObject({ day: '2025-04-20', label: 'Pricing change', tenant: 'acme' });
    await call(test, 'POST', `${PREFIX}/annotations`, { body: { day: '2025-05-02', label: 'May', tenant: 'globex' } });

    const labels = async (query: string) =>
      (
        (await call(test, 'GET', `${PREFIX}/annotations?${query}`)).body as { annotations: Annotation[] }
      ).annotations.map((annotation) => `${annotation.day} ${annotation.label}`);
    // The global view: the annotations of no tenant; acme's view: those and acme's; the range bounds them.
    expect(await labels('start=2025-04-01&end=2025-05-31')).toEqual(['2025-04-10 Launch']);
    expect(await labels('start=2025-04-01&end=2025-05-31&tenant=acme')).toEqual([
      '2025-04-10 Launch',
      '2025-04-20 Pricing change',
    ]);
    expect(await labels('start=2025-04-11&end=2025-04-30&tenant=acme')).toEqual(['2025-04-20 Pricing change']);

    const removed = await call(test, 'DELETE', `${PREFIX}/annotations/${(pricing.body as Annotation).id}`);
    expect(removed.status).toBe(200);
    expect(await labels('start=2025-04-01&end=2025-05-31&tenant=acme')).toEqual(['2025-04-10 Launch']);
    expect((await call(test, 'DELETE', `${PREFIX}/annotations/${(pricing.body as Annotation).id}`)).status).toBe(404);

    expect((await audits()).map((row) => [row.method, row.outcome])).toEqual([
      ['POST', 201],
      ['POST', 201],
      ['POST', 201],
      ['DELETE', 200],
      ['DELETE', 404],
    ]);
    expect((await audits())[1].params).toMatchObject({ day: '2025-04-20', tenant: 'acme' });
  });

  it.each([
    [{ day: '2025-02-30', label: 'x' }, 'day'],
    [{ day: '20250410', label: 'x' }, 'day'],
    [{ label: 'x' }, 'day'],
    [{ day: '2025-04-10', label: '' }, 'label'],
    [{ day: '2025-04-10', label: '   ' }, 'label'],
    [{ day: '2025-04-10', label: 'x'.repeat(81) }, 'label'],
    [{ day: '2025-04-10', label: 'two\nlines' }, 'label'],
    [{ day: '2025-04-10', label: 42 }, 'label'],
    [{ day: '2025-04-10', label: 'x', tenant: "a' OR 1=1" }, 'tenant'],
    [{ day: '2025-04-10', label: 'x', color: 'red' }, 'color'],
  ])('refuses %j naming %s, writing nothing', async (body, field) => {
    const before = await test.dataSource.query<
      {
        n: number;
      }[]
    >('SELECT count(*)::int AS n FROM metrics_annotation');
    const { status, body: answer } = await call(test, 'POST', `${PREFIX}/annotations`, { body });
    expect(status).toBe(400);
    expect((answer as { errors: { field: string }[] }).errors.map((error) => error.field)).toContain(field);
    const after = await test.dataSource.query<{ n: number }[]>('SELECT count(*)::int AS n FROM metrics_annotation');
    expect(after[0].n).toBe(before[0].n);
  });

  it('refuses bad list ranges and ids, and anyone but an admin', async () => {
    expect((await call(test, 'GET', `${PREFIX}/annotations?start=2025-05-01&end=2025-04-01`)).status).toBe(400);
    expect((await call(test, 'GET', `${PREFIX}/annotations?start=2025-05-01`)).status).toBe(400);
    expect((await call(test, 'DELETE', `${PREFIX}/annotations/abc`)).status).toBe(400);
    const intruder = await call(test, 'POST', `${PREFIX}/annotations`, {
      token: test.ingestToken,
      body: { day: '2025-04-10', label: 'x' },
    });
    expect(intruder.status).toBe(403);
    expect(
      (await call(test, 'GET', `${PREFIX}/annotations?start=2025-04-01&end=2025-04-30`, { token: null })).status,
    ).toBe(401);
  });
});
