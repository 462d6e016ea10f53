import { MetricsService } from '@exec-metrics/metrics';
import { createTestApp, type TestApp } from './support/test-app.js';
import { insertSourceRows } from './support/source-rows.js';

/**
 * A long computation refreshes the planner statistics of the module's own source tables, but only of those whose
 * statistics are missing or out of date (grown or shrunk by more than a tenth since they were last counted): a
 * backfill right after autovacuum or a loader analysed them does not analyse them again.
 */
describe('planner statistics before a long computation', () => {
  let test: TestApp;
  let metrics: MetricsService;
  const asOf = new Date('2026-03-02T06:00:00Z');
  const backfill = () => metrics.computeRange({ start: '2026-01-01', end: '2026-03-01', asOf });

  /** How many times this app's activity source has been analysed (by its oid: other tests' schemas have the name). */
  const activityAnalyses = async () => {
    const [row] = await test.dataSource.query<{ analyses: string }[]>(
      `SELECT analyze_count AS analyses FROM pg_stat_user_tables WHERE relid = 'metrics_activity_event'::regclass`,
    );
    return Number(row.analyses);
  };

  /** `count` activity events spread over January and February, for users of tenant a. */
  const activityEvents = (count: number, offset: number) =>
    Array.from({ length: count }, (_, index) => {
      const at = new Date(Date.parse('2026-01-01T00:00:00Z') + ((index * 7_919) % (59 * 86_400)) * 1000);
      return ['a', `u${(offset + index) % 300}`, at.toISOString()] as [string, string, string];
    });

  beforeAll(async () => {
    test = await createTestApp();
    metrics = test.app.get(MetricsService);
    // On PostgreSQL, autovacuum could analyse the table between an insert and a backfill (its statistics would then be
    // current, and the backfill right to leave them): the analyses counted here are the computations' alone.
    await test.dataSource.query('ALTER TABLE metrics_activity_event SET (autovacuum_enabled = false)');
  });

  afterAll(() => test.close());

  it('analyses a source table grown since its statistics, and leaves it alone when they are current', async () => {
    await insertSourceRows(test.dataSource, { activity: activityEvents(3_000, 0) });
    const before = await activityAnalyses();
    await backfill();
    const afterGrowth = await activityAnalyses();
    expect(afterGrowth).toBe(before + 1);

    // Nothing changed: the statistics are current, a second backfill does not analyse again.
    await backfill();
    expect(await activityAnalyses()).toBe(afterGrowth);

    // A few rows (well under a tenth) leave them current too.
    await insertSourceRows(test.dataSource, { activity: activityEvents(20, 3_000) });
    await backfill();
    expect(await activityAnalyses()).toBe(afterGrowth);

    // Doubled: out of date, analysed again.
    await insertSourceRows(test.dataSource, { activity: activityEvents(3_000, 3_020) });
    await backfill();
    expect(await activityAnalyses()).toBe(afterGrowth + 1);
  });
});
