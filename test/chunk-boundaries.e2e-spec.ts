import { MetricsService } from '@exec-metrics/metrics';
import { createTestApp, type TestApp } from './support/test-app.js';
import { insertSourceRows } from './support/source-rows.js';

/**
 * A backfill computes its range in chunks, one per calendar year (snapshot-compute.service.ts), and a chunk reads its
 * sources over its work range (its weeks and months). A value of a chunk's last days that depends on later events must
 * still see them: a signup on 2025-12-31 (a Wednesday: the first chunk's work range ends with its ISO week on Sunday
 * 2026-01-04) is activated by a key action on 2026-01-06, within 7 days, which the second chunk reads. UTC.
 *
 * Tenant a: u1 signs up on 12-31 and uploads a file on 01-06 (its first key action); u2 signs up on 12-30 and never
 * acts. So 12-31 has one signup, activated; 12-30 one signup, not activated; December's activation rate is 50 %.
 *
 * A run of several chunks reads each user's first key action from one table built for the whole run, and each chunk
 * counts those of its own days. Tenant b: u3 acts first on 12-10 and again on 01-12 (first in December only); u4 acted
 * on 11-15, before the run, and again on 01-20 (first in no day of the run); u5 acts first on 01-25. Events of no
 * tenant: u6 acted on 11-20 and again on 01-08. So b's December has one user activated (u3), its January one (u5),
 * and the global view's January two (u1 and u5).
 */
describe('a backfill across its chunks: values of a chunk’s last days read the next chunk’s events', () => {
  let test: TestApp;
  const progress: [number, number][] = [];

  beforeAll(async () => {
    test = await createTestApp();
    await insertSourceRows(test.dataSource, {
      lifecycle: [
        ['a', 'u1', 'signup', '2025-12-31T10:00:00Z'],
        ['a', 'u2', 'signup', '2025-12-30T10:00:00Z'],
      ],
      activation: [
        ['a', 'u1', 'file_upload', '2026-01-06T09:00:00Z'],
        ['b', 'u3', 'file_upload', '2025-12-10T09:00:00Z'],
        ['b', 'u3', 'file_upload', '2026-01-12T09:00:00Z'],
        ['b', 'u4', 'file_upload', '2025-11-15T09:00:00Z'],
        ['b', 'u4', 'file_upload', '2026-01-20T09:00:00Z'],
        ['b', 'u5', 'file_upload', '2026-01-25T09:00:00Z'],
        [null, 'u6', 'file_upload', '2025-11-20T09:00:00Z'],
        [null, 'u6', 'file_upload', '2026-01-08T09:00:00Z'],
      ],
    });
    // Two chunks, 2025-12-01..12-31 and 2026-01-01..01-31, computed when every 7-day window has ended.
    await test.app.get(MetricsService).computeRange({
      start: '2025-12-01',
      end: '2026-01-31',
      asOf: new Date('2026-02-10T06:00:00Z'),
      onProgress: (done, total) => progress.push([done, total]),
    });
  });

  afterAll(() => test.close());

  const snapshot = async (bucket: string, date: string) => {
    const [row] = await test.dataSource.query<Record<string, string | null>[]>(
      `SELECT new_customers, signups_activated_7d, activation_rate::text, activated_users FROM system_metrics_snapshot
       WHERE bucket_type = $1 AND bucket_date = $2 AND tenant_id = 'a'`,
      [bucket, date],
    );
    return row;
  };

  it('counts a signup of the first chunk’s last day as activated by a key action the second chunk reads', async () => {
    expect(await snapshot('daily', '2025-12-31')).toMatchObject({ new_customers: 1, signups_activated_7d: 1 });
    expect((await snapshot('daily', '2025-12-31')).activation_rate).toBe('100.00');
    expect((await snapshot('daily', '2025-12-30')).activation_rate).toBe('0.00');
    expect((await snapshot('monthly', '2025-12-01')).activation_rate).toBe('50.00');
  });

  it('keeps the first key action on its own day, in the second chunk', async () => {
    expect(await snapshot('daily', '2026-01-06')).toMatchObject({ activated_users: 1 });
    const [{ december }] = await test.dataSource.query<{ december: number }[]>(
      `SELECT coalesce(sum(activated_users), 0)::int AS december FROM system_metrics_snapshot
       WHERE bucket_type = 'daily' AND bucket_date BETWEEN '2025-12-01' AND '2026-01-05' AND tenant_id = 'a'`,
    );
    expect(december).toBe(0);
    expect(await snapshot('monthly', '2026-01-01')).toMatchObject({ activated_users: 1 });
  });

  it('counts each user’s first key action once, in its own chunk, whatever came before the run', async () => {
    const activated = async (scope: string | null, bucket: string, date: string) => {
      const [row] = await test.dataSource.query<{ activated_users: number }[]>(
        `SELECT activated_users FROM system_metrics_snapshot
         WHERE bucket_type = $1 AND bucket_date = $2 AND tenant_id IS NOT DISTINCT FROM $3`,
        [bucket, date, scope],
      );
      return row.activated_users;
    };
    expect(await activated('b', 'daily', '2025-12-10')).toBe(1);
    expect(await activated('b', 'monthly', '2025-12-01')).toBe(1);
    expect(await activated('b', 'daily', '2026-01-12')).toBe(0);
    expect(await activated('b', 'daily', '2026-01-20')).toBe(0);
    expect(await activated('b', 'daily', '2026-01-25')).toBe(1);
    expect(await activated('b', 'monthly', '2026-01-01')).toBe(1);
    expect(await activated(null, 'daily', '2026-01-08')).toBe(0);
    expect(await activated(null, 'monthly', '2026-01-01')).toBe(2);
    expect(await activated(null, 'monthly', '2025-12-01')).toBe(1);
  });

  it('reports its progress in days, never backwards: the fold of both chunks first, then each chunk to the total', () => {
    expect(progress.every(([, total]) => total === 62)).toBe(true);
    // The first step folds both chunks' user-days and key-action days at once: counted as 35 % of the run's days.
    expect(progress[0][0]).toBe(Math.floor(62 * 0.35));
    const done = progress.map(([days]) => days);
    expect(done).toEqual([...done].sort((a, b) => a - b));
    // The first chunk's 31 days end at 35 % plus 65 % of 31; the last report is the whole run.
    expect(done).toContain(Math.floor(62 * 0.35 + 31 * 0.65));
    expect(done[done.length - 1]).toBe(62);
  });
});
