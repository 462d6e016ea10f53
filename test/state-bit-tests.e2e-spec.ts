import { CohortComputeService } from '../libs/metrics/src/compute/cohort-compute.service.js';
import { MetricsService } from '@exec-metrics/metrics';
import { createTestApp, type TestApp } from './support/test-app.js';
import { insertSourceRows, type SourceRows } from './support/source-rows.js';

/**
 * The activity state's bit test (`touchingRowActiveIn`, docs/performance.md "Per-user activity state"): a yearly row
 * whose active days reach past a range on both sides is asked for the bits of the range itself. Each member below is
 * active on day 0 and later than the weeks tested, so their weeks 1–4 are answered by that test alone, and each tested
 * week's activity lies on its first or last day, or on the days either side of it: a range read one day off shows.
 *
 * Tenant t, March 2025 cohort, every member signed up on Monday 03-03 (UTC), so week k is [03-03 + 7k, 03-09 + 7k]:
 * p1 on 03-03, 03-17 (week 2's first day) and 04-07 (week 5's first day);
 * p2 on 03-03, 03-30 (week 3's last day) and 04-14 (week 6's first day);
 * p3 on 03-03, 03-16 (week 1's last day) and 03-24 (week 3's first day): not in week 2, between them.
 */
type Lifecycle = NonNullable<SourceRows['lifecycle']>[number];
type Activity = NonNullable<SourceRows['activity']>[number];

/**
 * Each scope's retained members per week of the cohort `month`, read from the state alone: a backfill from the month's
 * first day to `end` folds every day its curve reads into the state and covers them; with the raw activity gone (no
 * dirty mark), the cohorts recomputed by force can only have read the state. The global view first.
 */
async function curvesFromState(test: TestApp, month: string, end: string, asOf: Date) {
  await test.app.get(MetricsService).computeRange({ start: month, end, asOf });
  await test.dataSource.query('DELETE FROM metrics_activity_event');
  await test.app.get(CohortComputeService).months(month, month, asOf);
  const rows = await test.dataSource.query<{ tenant_id: string | null; curve: { retained: number | null }[] }[]>(
    `SELECT tenant_id, curve FROM system_cohort_retention WHERE cohort_month = $1 ORDER BY tenant_id NULLS FIRST`,
    [month],
  );
  return rows.map((row) => ({ tenant: row.tenant_id, weeks: row.curve.map((cell) => cell.retained) }));
}

describe('activity state: a week is active from the bits of its own days', () => {
  let test: TestApp;
  const asOf = new Date('2025-11-01T06:00:00Z');

  beforeAll(async () => {
    test = await createTestApp();
    const members = ['p1', 'p2', 'p3'];
    await insertSourceRows(test.dataSource, {
      lifecycle: members.map((user): Lifecycle => ['t', user, 'signup', '2025-03-03T09:00:00Z']),
      activity: [
        ...members.map((user): Activity => ['t', user, '2025-03-03T10:00:00Z']),
        ['t', 'p1', '2025-03-17T00:30:00Z'],
        ['t', 'p1', '2025-04-07T12:00:00Z'],
        ['t', 'p2', '2025-03-30T23:30:00Z'],
        ['t', 'p2', '2025-04-14T12:00:00Z'],
        ['t', 'p3', '2025-03-16T23:30:00Z'],
        ['t', 'p3', '2025-03-24T00:30:00Z'],
      ],
    });
  });

  afterAll(() => test.close());

  it("counts each member's week from the state's bits, on the week's first and last days and not beside them", async () => {
    const curves = await curvesFromState(test, '2025-03-01', '2025-10-31', asOf);
    const retained = curves.map(({ tenant, weeks }) => ({ tenant, weeks: weeks.slice(0, 8) }));
    // Week 0 all three; 1 p3 (its last day); 2 p1 (its first day), not p3 (the days either side); 3 p2 (its last day)
    // and p3 (its first day); 4 nobody; 5 p1; 6 p2.
    const weeks = [3, 1, 1, 2, 0, 1, 1, 0];
    expect(retained).toEqual([
      { tenant: null, weeks },
      { tenant: 't', weeks },
    ]);
  });
});

/**
 * A curve across New Year from the state: a member's days after their signup lie in two yearly rows, and the week
 * that spans New Year has days in both. Tenant t, December 2024 cohort (2024 is a leap year: its 31 December is the
 * yearly row's 366th day), in UTC:
 * n1 signs up Monday 12-30 and is active on 12-31 and 01-01 (both week 0, one in each row) and 01-06 (week 1's first day);
 * n2 signs up 12-30 and is active on 01-05 (week 0's last day, in the later row only) and 01-13 (week 2's first day);
 * n3 signs up Thursday 12-26 and is active on 12-31 (week 0), 01-02 and 01-08 (week 1's first and last days) and
 * 01-09 (week 2's first day).
 */
describe('activity state: a curve across New Year from two yearly rows', () => {
  let test: TestApp;
  const asOf = new Date('2025-08-01T06:00:00Z');

  beforeAll(async () => {
    test = await createTestApp();
    await insertSourceRows(test.dataSource, {
      lifecycle: [
        ['t', 'n1', 'signup', '2024-12-30T09:00:00Z'],
        ['t', 'n2', 'signup', '2024-12-30T09:00:00Z'],
        ['t', 'n3', 'signup', '2024-12-26T09:00:00Z'],
      ],
      activity: [
        ['t', 'n1', '2024-12-31T23:30:00Z'],
        ['t', 'n1', '2025-01-01T00:30:00Z'],
        ['t', 'n1', '2025-01-06T12:00:00Z'],
        ['t', 'n2', '2025-01-05T23:30:00Z'],
        ['t', 'n2', '2025-01-13T00:30:00Z'],
        ['t', 'n3', '2024-12-31T12:00:00Z'],
        ['t', 'n3', '2025-01-02T00:30:00Z'],
        ['t', 'n3', '2025-01-08T23:30:00Z'],
        ['t', 'n3', '2025-01-09T00:30:00Z'],
      ],
    });
  });

  afterAll(() => test.close());

  it('counts a week with days in both rows once, and each week from the right row', async () => {
    const curves = await curvesFromState(test, '2024-12-01', '2025-07-31', asOf);
    // Week 0 all three (n1 once for its two rows); 1 n1 and n3; 2 n2 and n3; later weeks nobody, every one shown.
    const weeks = [3, 2, 2, ...Array<number>(24).fill(0)];
    expect(curves).toEqual([
      { tenant: null, weeks },
      { tenant: 't', weeks },
    ]);
  });
});
