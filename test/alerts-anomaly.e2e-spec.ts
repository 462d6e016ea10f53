import type { DataSource } from 'typeorm';
import type { AlertView } from '@exec-metrics/metrics';
import { computeAndEvaluate } from './support/alert-helpers.js';
import { call, createTestApp, type TestApp } from './support/test-app.js';

const PREFIX = '/api/system/metrics';

/** `counts[day]` signups of `tenant` on each day, at noon UTC, in one statement. */
async function signups(dataSource: DataSource, tenant: string, counts: Record<string, number>): Promise<void> {
  await dataSource.query(
    `INSERT INTO metrics_lifecycle_event (tenant_id, user_id, type, occurred_at)
     SELECT $1::varchar, $1::varchar || '-' || v.day || '-' || i, 'signup', v.day + time '12:00' AT TIME ZONE 'UTC'
     FROM unnest($2::date[], $3::int[]) AS v(day, n), generate_series(1, v.n) AS i`,
    [tenant, Object.keys(counts), Object.values(counts)],
  );
}

function days(start: string, count: number): string[] {
  return Array.from({ length: count }, (_, index) => {
    const day = new Date(`${start}T00:00:00Z`);
    day.setUTCDate(day.getUTCDate() + index);
    return day.toISOString().slice(0, 10);
  });
}

const weekday = (day: string) => new Date(`${day}T00:00:00Z`).getUTCDay();

async function anomalies(test: TestApp): Promise<AlertView[]> {
  const { body } = await call(test, 'GET', `${PREFIX}/alerts?kind=anomaly`);
  return (body as { alerts: AlertView[] }).alerts;
}

// Nine weeks from Monday 3 March 2025: busy weekdays around 20 signups, quiet weekends around 5.
const HISTORY = days('2025-03-03', 63);
const TUESDAYS = [17, 18, 20, 20, 21, 22, 19, 23, 20]; // the last eight (from 11 March) are the spike's history
const weekly: Record<string, number> = {};
HISTORY.forEach((day, index) => {
  const week = Math.floor(index / 7);
  const dow = weekday(day);
  weekly[day] =
    dow === 2 ? TUESDAYS[week] : dow === 6 ? 5 + (week % 2) : dow === 0 ? 4 + (week % 3) : 18 + ((week * 3 + dow) % 5);
});

describe('anomaly detection with weekday seasonality', () => {
  let test: TestApp;

  beforeAll(async () => {
    test = await createTestApp();
    await signups(test.dataSource, 'acme', weekly);
  });

  afterAll(() => test.close());

  it('does not alarm on a weekly pattern: a quiet Sunday after busy weekdays, a busy Monday after it', async () => {
    // Sunday 4 May: 6 signups where the whole history's median is 19 and Saturday had 5: only Sundays count.
    expect(weekly['2025-05-04']).toBe(6);
    await computeAndEvaluate(test, '2025-03-03', '2025-05-04');
    expect(await anomalies(test)).toEqual([]);

    await signups(test.dataSource, 'acme', { '2025-05-05': 21 });
    await computeAndEvaluate(test, '2025-05-05');
    expect(await anomalies(test)).toEqual([]);
  });

  it('alarms on a planted spike, saying what was expected', async () => {
    await signups(test.dataSource, 'acme', { '2025-05-06': 60 });
    await computeAndEvaluate(test, '2025-05-06');
    // The eight previous Tuesdays: 18 20 20 21 22 19 23 20 → median 20; deviations 2 0 0 1 2 1 3 0 → MAD 1.
    // σ = max(1.4826 × MAD, 0.3 × 20 / 4 (relative floor), √20 (a count's Poisson noise)) = √20 = 4.4721;
    // z = (60 − 20) / 4.4721 = 8.94 → critical (≥ 7). Usual range: 20 ± max(4 × 4.4721, 5) = 2.11 to 37.89.
    const found = (await anomalies(test)).map((alert) => [
      alert.metric,
      alert.tenant,
      alert.severity,
      alert.value,
      alert.expected,
      alert.expected_low,
      alert.expected_high,
      alert.bucket_date,
    ]);
    expect(found.sort()).toEqual(
      [
        ['new_customers', 'acme', 'critical', 60, 20, 2.11, 37.89, '2025-05-06'],
        ['new_customers', null, 'critical', 60, 20, 2.11, 37.89, '2025-05-06'],
      ].sort(),
    );
    const [alert] = await anomalies(test);
    expect(alert.message).toMatch(
      /^New users was 60 on Tuesday 2025-05-06, above the expected 20 \(usual range 2\.11 to 37\.89, from the 8 previous Tuesdays; robust z-score 8\.9\), (all tenants|tenant acme)$/,
    );
    // GET summary lists it with the shape of a threshold alert (the threshold being the expected value).
    const summary = await call(test, 'GET', `${PREFIX}/summary?start=2025-05-01&end=2025-05-06&tenant=acme`);
    expect((summary.body as { alerts: unknown[] }).alerts).toEqual([
      expect.objectContaining({ metric: 'new_customers', value: 60, threshold: 20, expected: 20, kind: 'anomaly' }),
    ]);
  });

  it('resolves the anomaly when the next day is ordinary again', async () => {
    await signups(test.dataSource, 'acme', { '2025-05-07': 20 });
    await computeAndEvaluate(test, '2025-05-07');
    expect((await anomalies(test)).map((alert) => alert.status)).toEqual(['resolved', 'resolved']);
  });
});

describe('anomaly detection refuses to judge on thin evidence', () => {
  let test: TestApp;

  beforeAll(async () => {
    test = await createTestApp();
  });

  afterAll(() => test.close());

  it('needs four weeks of history, and a change of at least five for counts', async () => {
    const series: Record<string, number> = {};
    // Tenant "young": three previous Tuesdays of 20, then 80 (a spike, but too little history to judge).
    for (const day of ['2025-04-15', '2025-04-22', '2025-04-29']) series[day] = 20;
    series['2025-05-06'] = 80;
    await signups(test.dataSource, 'young', series);
    await computeAndEvaluate(test, '2025-04-15', '2025-05-06', 'young');
    expect(await anomalies(test)).toEqual([]);

    // Tenant "tiny": eight Tuesdays of 1 signup, then 4: z = 3 / √1 = 3, and only 3 more than usual.
    const tiny: Record<string, number> = {};
    for (const day of days('2025-03-11', 56).filter((day) => weekday(day) === 2)) tiny[day] = 1;
    tiny['2025-05-06'] = 4;
    await signups(test.dataSource, 'tiny', tiny);
    await computeAndEvaluate(test, '2025-03-01', '2025-05-06', 'tiny');
    expect(await anomalies(test)).toEqual([]);

    // The same tenant with 7 instead: the change (6) is large enough, and z = 6 / √1 = 6 ≥ 4: a warning.
    await test.dataSource.query(
      `DELETE FROM metrics_lifecycle_event WHERE tenant_id = 'tiny' AND occurred_at >= '2025-05-06'`,
    );
    await signups(test.dataSource, 'tiny', { '2025-05-06': 7 });
    await computeAndEvaluate(test, '2025-05-06', '2025-05-06', 'tiny');
    expect(
      (await anomalies(test)).map((alert) => [alert.metric, alert.tenant, alert.severity, alert.value, alert.expected]),
    ).toEqual([['new_customers', 'tiny', 'warning', 7, 1]]);
  });
});
