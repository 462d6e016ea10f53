import { parse } from 'csv-parse/sync';
import type { Readable } from 'node:stream';
import { MetricsService } from '@exec-metrics/metrics';
import { CsvExportService } from '../libs/metrics/src/read/csv-export.service.js';
import { call, createTestApp, type TestApp } from './support/test-app.js';
import { insertSourceRows } from './support/source-rows.js';

const PREFIX = '/api/system/metrics';
/** "Now" for the whole file: Wednesday 2025-03-12 at noon UTC. Yesterday, the 11th, is the last computed day. */
const AS_OF = new Date('2025-03-12T12:00:00Z');

async function textOf(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * metrics.md, "Ranges, unfinished buckets and comparisons", on hand-computed data (timezone UTC):
 * - 10 users of acme sign up on 2024-12-31; u1 leaves on 01-10, u2..u4 on 02-05.
 *   Monthly customer churn: January 1 / 10 = 10 %, February 3 / 9 = 33.33 %, March 0 / 6 = 0 %.
 * - Activity only in March: u9 on 03-03, u7 and u8 on 03-10 (a Monday), u7 on 03-11; nothing today (03-12).
 *   Daily stickiness (DAU / 30-day MAU): 03-03 1/1 = 100, 03-04..03-09 0/1 = 0, 03-10 2/3 = 66.67,
 *   03-11 1/3 = 33.33; 03-01 and 03-02 have no MAU, so no ratio.
 */
describe('honest periods: per-month rates, to-date buckets, averages over computed days', () => {
  let test: TestApp;
  let metrics: MetricsService;

  beforeAll(async () => {
    test = await createTestApp();
    const users = Array.from({ length: 10 }, (_, index) => `u${index + 1}`);
    await insertSourceRows(test.dataSource, {
      lifecycle: [
        ...users.map((user) => ['acme', user, 'signup', '2024-12-31T10:00:00Z'] as [string, string, string, string]),
        ['acme', 'u1', 'deactivate', '2025-01-10T10:00:00Z'],
        ...['u2', 'u3', 'u4'].map(
          (user) => ['acme', user, 'deactivate', '2025-02-05T10:00:00Z'] as [string, string, string, string],
        ),
      ],
      activity: [
        ['acme', 'u9', '2025-03-03T09:00:00Z'],
        ['acme', 'u7', '2025-03-10T09:00:00Z'],
        ['acme', 'u8', '2025-03-10T10:00:00Z'],
        ['acme', 'u7', '2025-03-11T09:00:00Z'],
      ],
    });
    metrics = test.app.get(MetricsService);
    await metrics.computeRange({ start: '2024-12-31', end: '2025-03-11', asOf: AS_OF });
  }, 120_000);

  afterAll(() => test.close());

  it('gives each month its own churn rate and a longer range the weighted average monthly rate', async () => {
    const monthly = await metrics.timeseries({
      metrics: ['customer_churn_rate'],
      start: '2025-01-01',
      end: '2025-03-11',
      tenant: 'acme',
      bucket: 'monthly',
      asOf: AS_OF,
    });
    expect(monthly.per).toBe('month');
    expect(monthly.series.customer_churn_rate).toEqual([
      { date: '2025-01-01', value: 10, complete: true },
      { date: '2025-02-01', value: 33.33, complete: true },
      { date: '2025-03-01', value: 0, complete: false },
    ]);

    // Three whole months: (10 + 33.33 + 0) / 3 = 14.44, where the range's own 4 churned / 10 would read 40 %.
    const quarter = await metrics.summary({ start: '2025-01-01', end: '2025-03-31', tenant: 'acme', asOf: AS_OF });
    expect(quarter.metrics.customer_churn_rate).toBe(14.44);
    expect(quarter.per.customer_churn_rate).toBe('month');
    expect(quarter.per.revenue_churn_rate).toBe('month');

    // From 01-16 (16 of January's 31 days) to 02-28: (16/31 × 10 + 1 × 33.33) / (16/31 + 1) = 25.39.
    const partial = await metrics.summary({ start: '2025-01-16', end: '2025-02-28', tenant: 'acme', asOf: AS_OF });
    expect(partial.metrics.customer_churn_rate).toBe(25.39);

    // One calendar month or less keeps the range's own rate: January, 1 / 10.
    const january = await metrics.summary({ start: '2025-01-01', end: '2025-01-31', tenant: 'acme', asOf: AS_OF });
    expect(january.metrics.customer_churn_rate).toBe(10);
    expect(january.per.customer_churn_rate).toBe('range');
  });

  it('averages DAU and stickiness over the computed days only, the same way for a bucket and a range', async () => {
    const weekly = await metrics.timeseries({
      metrics: ['dau', 'stickiness'],
      start: '2025-03-10',
      end: '2025-03-12',
      tenant: 'acme',
      bucket: 'weekly',
      asOf: AS_OF,
    });
    // Monday 2 and Tuesday 1: (2 + 1) / 2 = 1.5, today (not computed yet) is not a 0 that would make it 1.
    expect(weekly.series.dau).toEqual([{ date: '2025-03-10', value: 1.5, complete: false }]);
    // (66.67 + 33.33) / 2
    expect(weekly.series.stickiness).toEqual([{ date: '2025-03-10', value: 50, complete: false }]);

    const march = await metrics.timeseries({
      metrics: ['dau', 'stickiness'],
      start: '2025-03-01',
      end: '2025-03-11',
      tenant: 'acme',
      bucket: 'monthly',
      asOf: AS_OF,
    });
    // DAU (1 + 2 + 1) / 11 days = 0.36; stickiness (100 + 6 × 0 + 66.67 + 33.33) / 9 days with a MAU = 22.22.
    expect(march.series.dau).toEqual([{ date: '2025-03-01', value: 0.36, complete: false }]);
    expect(march.series.stickiness).toEqual([{ date: '2025-03-01', value: 22.22, complete: false }]);

    // The summary of the same days agrees with the month's bucket, and says what it holds: 12 days, 11 computed.
    const summary = await metrics.summary({ start: '2025-03-01', end: '2025-03-12', tenant: 'acme', asOf: AS_OF });
    expect(summary.metrics.dau).toBe(0.36);
    expect(summary.metrics.stickiness).toBe(22.22);
    expect(summary.range).toMatchObject({ days: 12, days_with_data: 11 });
  });

  it('has no history for the period before the data began (a comparison needs 90 % of its days)', async () => {
    const previous = await metrics.summary({ start: '2024-12-01', end: '2024-12-31', tenant: 'acme', asOf: AS_OF });
    expect(previous.range).toMatchObject({ days: 31, days_with_data: 1 });
  });

  it('summary, timeseries and CSV agree on the same filters, with the same buckets and the same to-date mark', async () => {
    // A range from mid-January: January's bucket touches it, so both the chart and the CSV show three months.
    const filters = { start: '2025-01-16', end: '2025-03-11', tenant: 'acme', bucket: 'monthly' as const };
    const keys = ['customer_churn_rate', 'new_customers', 'total_customers', 'dau', 'stickiness'];
    const series = await metrics.timeseries({ ...filters, metrics: keys, asOf: AS_OF });
    const csv = parse<Record<string, string>>(
      await textOf(await test.app.get(CsvExportService).open({ ...filters, asOf: AS_OF })),
      {
        columns: true,
      },
    );
    expect(csv.map((row) => row.bucket_date)).toEqual(series.series.dau.map((point) => point.date));
    expect(csv.map((row) => row.complete)).toEqual(['true', 'true', 'false']);
    for (const key of keys) {
      expect(csv.map((row) => (row[key] === '' ? null : Number(row[key])))).toEqual(
        series.series[key].map((point) => point.value),
      );
    }

    // The summary's churn rate is the months' rates weighted by their days inside the range:
    // January 16/31, February 28/28, March 11/31.
    const weights = [16 / 31, 1, 11 / 31];
    const rates = series.series.customer_churn_rate.map((point) => point.value!);
    const expected = weights.reduce((sum, weight, index) => sum + weight * rates[index], 0) / (16 / 31 + 1 + 11 / 31);
    const summary = await metrics.summary({ ...filters, asOf: AS_OF });
    expect(summary.metrics.customer_churn_rate).toBe(Math.round(expected * 100) / 100);
    expect(summary.metrics.customer_churn_rate).toBe(20.57);
    // Stocks at the end and flows over the range: 6 customers, no signups inside it.
    expect(summary.metrics.total_customers).toBe(6);
    expect(summary.metrics.new_customers).toBe(0);
  });

  it('answers the same over HTTP: per-month rates named, every point marked complete or not', async () => {
    const summary = await call(test, 'GET', `${PREFIX}/summary?start=2025-01-01&end=2025-03-31&tenant=acme`);
    expect(summary.status).toBe(200);
    expect(summary.body).toMatchObject({
      metrics: { customer_churn_rate: 14.44 },
      per: { customer_churn_rate: 'month' },
      range: { days: 90, days_with_data: 70 },
    });
    const series = await call(
      test,
      'GET',
      `${PREFIX}/timeseries?metric=customer_churn_rate&start=2025-01-16&end=2025-03-11&tenant=acme&bucket=monthly`,
    );
    // Long past by the real clock: every month is complete.
    expect(series.body).toEqual({
      bucket: 'monthly',
      per: 'month',
      series: {
        customer_churn_rate: [
          { date: '2025-01-01', value: 10, complete: true },
          { date: '2025-02-01', value: 33.33, complete: true },
          { date: '2025-03-01', value: 0, complete: true },
        ],
      },
    });
    const csv = await call(
      test,
      'GET',
      `${PREFIX}/export.csv?start=2025-01-16&end=2025-03-11&tenant=acme&bucket=monthly`,
    );
    const rows = parse<Record<string, string>>(csv.text, { columns: true });
    expect(rows.map((row) => [row.bucket_date, row.complete, Number(row.customer_churn_rate)])).toEqual([
      ['2025-01-01', 'true', 10],
      ['2025-02-01', 'true', 33.33],
      ['2025-03-01', 'true', 0],
    ]);
  });
});
