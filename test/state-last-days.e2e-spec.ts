import fc from 'fast-check';
import { run } from '../libs/metrics/src/database/statement.js';
import { stateLastDaysSql } from '../libs/metrics/src/sql/user-activity.sql.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * The rolling windows read a lookback from the per-user activity state as each row's last active day in it
 * (stateLastDaysSql). Checked against the days themselves: random users active on random days of two years, random
 * 29-day lookbacks (across New Year too); for each yearly row touching the lookback, its latest active day in it,
 * and no row that has none there. Most rows are active after the lookback, the case the bits are read for.
 */
const DAY_MS = 86_400_000;
const FIRST = Date.parse('2025-10-01T00:00:00Z');
/** Days from FIRST: 2025-10-01 .. 2026-03-31. */
const SPAN = 182;
const dateOf = (offset: number) => new Date(FIRST + offset * DAY_MS).toISOString().slice(0, 10);

interface ActiveDay {
  tenant_id: string | null;
  user_id: string;
  day: string;
}

describe('the state read as last days of a lookback', () => {
  let test: TestApp;

  beforeAll(async () => {
    test = await createTestApp();
  });
  afterAll(async () => test?.close());

  /** The state's rows as the fold writes them: one per tenant, user and year, with its first and last day. */
  const writeState = async (days: ActiveDay[]) => {
    await test.dataSource.query('TRUNCATE metrics_user_activity');
    await test.dataSource.query(
      `INSERT INTO metrics_user_activity (tenant_id, user_id, year, days, first_day, last_day)
       SELECT tenant_id, user_id, extract(year FROM day)::int,
              bit_or(B'1'::bit(366) >> (extract(doy FROM day)::int - 1)), min(day), max(day)
       FROM jsonb_to_recordset($1::jsonb) AS r(tenant_id varchar, user_id varchar, day date)
       GROUP BY 1, 2, 3`,
      [JSON.stringify(days)],
    );
  };

  const lastDays = async (from: string, to: string, tenant: string | null) => {
    const rows = await run<{ key: string }>((text, values) => test.dataSource.query(text, values), {
      sql: `SELECT concat_ws('/', tenant_id, user_id, day::text) AS key
            FROM (${stateLastDaysSql(':from::date', ':to::date')}) AS last_days ORDER BY 1`,
      params: { from, to, tenant },
    });
    return rows.map((row) => row.key);
  };

  /** Each (tenant, user, year)'s latest active day in [from, to], as the SQL's rows. */
  const expected = (days: ActiveDay[], from: string, to: string, tenant: string | null) => {
    const latest = new Map<string, ActiveDay>();
    for (const active of days) {
      if (active.day < from || active.day > to || (tenant !== null && active.tenant_id !== tenant)) continue;
      const key = `${active.tenant_id}|${active.user_id}|${active.day.slice(0, 4)}`;
      const known = latest.get(key);
      if (!known || known.day < active.day) latest.set(key, active);
    }
    return [...latest.values()]
      .map((active) => [active.tenant_id, active.user_id, active.day].filter((part) => part !== null).join('/'))
      .sort();
  };

  it('gives each yearly row its latest active day in the lookback, and only rows with one', async () => {
    const user = fc.record({
      tenant_id: fc.constantFrom('a', 'b', null),
      user_id: fc.constantFrom('u1', 'u2', 'u3', 'u4', 'u5', 'u6'),
      offsets: fc.uniqueArray(fc.integer({ min: 0, max: SPAN - 1 }), { minLength: 1, maxLength: 12 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(user, { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 0, max: SPAN - 29 }),
        fc.constantFrom('a', null),
        async (users, start, tenant) => {
          const days = users.flatMap(({ tenant_id, user_id, offsets }) =>
            offsets.map((offset) => ({ tenant_id, user_id, day: dateOf(offset) })),
          );
          // Duplicates (the same user drawn twice) are one active day, as in the state.
          const unique = [...new Map(days.map((active) => [JSON.stringify(active), active])).values()];
          await writeState(unique);
          const from = dateOf(start);
          const to = dateOf(start + 28);
          expect({ from, to, rows: await lastDays(from, to, tenant) }).toEqual({
            from,
            to,
            rows: expected(unique, from, to, tenant),
          });
        },
      ),
      { numRuns: 150 },
    );
  });
});
