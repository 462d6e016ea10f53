import { MetricsService, setupMetricsOpenApi } from '../libs/metrics/src/index.js';
import { BASELINES } from './support/fuzz/baselines.js';
import { fuzzOperation, type OperationReport } from './support/fuzz/fuzz-runner.js';
import { operationsOf, type OpenApiDocument } from './support/fuzz/operations.js';
import { insertSourceRows } from './support/source-rows.js';
import { WEBHOOK_SECRET } from './support/stripe-fixtures.js';
import { call, createTestApp, type TestApp } from './support/test-app.js';

const PREFIX = '/api/system/metrics';
/**
 * Reproducible: the same seed sends the same requests. `npm test` runs a bounded pass; `npm run fuzz` sets
 * FUZZ_RUNS (and FUZZ_LONGEST) for a long one, and FUZZ_SEED to replay a reported failure.
 */
const SETTINGS = {
  seed: Number(process.env.FUZZ_SEED ?? 19_2026),
  runs: Number(process.env.FUZZ_RUNS ?? 12),
  longest: Number(process.env.FUZZ_LONGEST ?? 70_000),
};

/**
 * Every operation of the running app's OpenAPI document, every parameter and body field, gets generated hostile
 * values (fast-check, seeded): each answer is a 2xx (the value happened to be acceptable) or a 4xx with a JSON
 * message naming the field, never a 5xx or a stack trace; a refused write changes no table; the audit chain holds.
 */
describe(`OpenAPI fuzzing (seed ${SETTINGS.seed}, ${SETTINGS.runs} requests per operation)`, () => {
  let test: TestApp;
  let document: OpenApiDocument;

  beforeAll(async () => {
    test = await createTestApp({
      quiet: true,
      configure: (app) => setupMetricsOpenApi(app, 'api/docs'),
      metrics: {
        rateLimit: false,
        stripe: { webhookSecret: WEBHOOK_SECRET },
        // Deliveries to the channels the fuzzer creates would change rows in the background.
        alerts: { delivery: { enabled: false } },
      },
    });
    await insertSourceRows(test.dataSource, {
      lifecycle: [['acme', 'u1', 'signup', '2025-01-02T10:00:00Z']],
      activity: [['acme', 'u1', '2025-01-02T10:00:00Z']],
    });
    await test.app.get(MetricsService).run({ start: '2025-01-01', end: '2025-01-03', trigger: 'backfill' });
    document = (await call(test, 'GET', '/api/docs-json', { token: null })).body as OpenApiDocument;
  }, 120_000);

  afterAll(() => test.close());

  it('holds for every documented operation', async () => {
    const operations = operationsOf(document);
    expect(operations.length).toBeGreaterThanOrEqual(30);
    const reports: OperationReport[] = [];
    for (const operation of operations) {
      const baseline = BASELINES[operation.key.replace(PREFIX, '')] ?? {};
      reports.push(await fuzzOperation(test, operation, baseline, SETTINGS));
    }
    const failures = reports.filter((report) => report.failure).map((r) => `${r.key}: ${r.failure}`);
    expect(failures).toEqual([]);
    // Each operation really was exercised, and refusals were the rule (the values are hostile).
    for (const report of reports) expect(report.requests).toBeGreaterThanOrEqual(SETTINGS.runs + report.inputs);
    const refused = reports.reduce((sum, report) => sum + report.refused, 0);
    const sent = reports.reduce((sum, report) => sum + report.requests, 0);
    expect(refused).toBeGreaterThan(sent * 0.6);
  }, 600_000);
});
