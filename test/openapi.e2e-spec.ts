import { setupMetricsOpenApi } from '@exec-metrics/metrics';
import { call, createTestApp, type TestApp } from './support/test-app.js';

describe('OpenAPI document', () => {
  let test: TestApp;

  beforeAll(async () => {
    test = await createTestApp({ configure: (app) => setupMetricsOpenApi(app, 'api/docs') });
  });

  afterAll(() => test.close());

  it('documents every route with its parameters and answers', async () => {
    const { status, body } = await call(test, 'GET', '/api/docs-json', { token: null });
    expect(status).toBe(200);
    const document = body as {
      paths: Record<string, Record<string, { parameters?: { name: string }[]; responses: Record<string, unknown> }>>;
    };
    const prefix = '/api/system/metrics';
    const routes = Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(routes.sort()).toEqual(
      [
        `POST ${prefix}/events`,
        `POST ${prefix}/backfill`,
        `GET ${prefix}/runs/{id}`,
        `GET ${prefix}/runs`,
        `POST ${prefix}/runs/{id}/retry`,
        `GET ${prefix}/summary`,
        `GET ${prefix}/first-view`,
        `GET ${prefix}/annotations`,
        `POST ${prefix}/annotations`,
        `DELETE ${prefix}/annotations/{id}`,
        `GET ${prefix}/timeseries`,
        `GET ${prefix}/cohorts`,
        `GET ${prefix}/catalog`,
        `GET ${prefix}/export.csv`,
        `GET ${prefix}/config`,
        `PATCH ${prefix}/config`,
        `GET ${prefix}/tokens`,
        `POST ${prefix}/tokens`,
        `DELETE ${prefix}/tokens/{id}`,
        `GET ${prefix}/audit`,
        `POST ${prefix}/stripe/webhook`,
        `POST ${prefix}/stripe/sync`,
        `GET ${prefix}/revenue/ledger`,
        `POST ${prefix}/revenue/entries`,
        `POST ${prefix}/revenue/entries/batch`,
        `GET ${prefix}/revenue/customers`,
        `GET ${prefix}/revenue/customers/{id}`,
        `GET ${prefix}/revenue/movements`,
        `GET ${prefix}/revenue/reconciliation`,
        `GET ${prefix}/revenue/conventions/compare`,
        `GET ${prefix}/alerts`,
        `POST ${prefix}/alerts/{id}/acknowledge`,
        `GET ${prefix}/alerts/rules`,
        `POST ${prefix}/alerts/rules`,
        `PUT ${prefix}/alerts/rules/{id}`,
        `DELETE ${prefix}/alerts/rules/{id}`,
        `GET ${prefix}/alerts/channels`,
        `POST ${prefix}/alerts/channels`,
        `PUT ${prefix}/alerts/channels/{id}`,
        `DELETE ${prefix}/alerts/channels/{id}`,
        `GET ${prefix}/alerts/deliveries`,
        `GET ${prefix}/tenants`,
        `GET ${prefix}/tenants/ranking`,
        `GET ${prefix}/audit/verify`,
        `GET ${prefix}/verify`,
      ].sort(),
    );
    const timeseries = document.paths[`${prefix}/timeseries`].get;
    expect(timeseries.parameters!.map((parameter) => parameter.name).sort()).toEqual(
      ['breakdown', 'bucket', 'end', 'metric', 'start', 'tenant'].sort(),
    );
    expect(Object.keys(timeseries.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403', '429']));
    const summary = JSON.stringify(document.paths[`${prefix}/summary`].get.responses['200']);
    expect(summary).toContain('stickiness');
    const tenants = document.paths[`${prefix}/tenants`].get;
    expect(tenants.parameters!.map((parameter) => parameter.name).sort()).toEqual(['limit', 'search']);
    const ranking = document.paths[`${prefix}/tenants/ranking`].get;
    expect(ranking.parameters!.map((parameter) => parameter.name).sort()).toEqual(
      ['end', 'limit', 'offset', 'order', 'sort', 'start'].sort(),
    );
    const movements = document.paths[`${prefix}/revenue/movements`].get;
    expect(movements.parameters!.map((parameter) => parameter.name).sort()).toEqual(
      ['end', 'limit', 'movement', 'offset', 'start', 'tenant'].sort(),
    );
  });
});
