import fc from 'fast-check';
import { run } from '../libs/metrics/src/database/statement.js';
import { stateActiveUsersSql, stateLastDaysSql } from '../libs/metrics/src/sql/user-activity.sql.js';
import { createTestApp, type TestApp } from './support/test-app.js';

/**
 * The rolling windows read a lookback from the per-user activity state as each row's last active day in it
 * (stateLastDaysSql). Checked against the days themselves: random users active on random days of two years, random
 * 29-day lookbacks (across New Year too); for each yearly row touching the lookback, its latest active day in it,
 * and no row that has none there. Most rows are active after the lookback, the case the bits are read for.
 * Likewise a range's distinct active users (stateActiveUsersSql, whose test settles most rows by their first or last
 * active day and reads the bits only of rows active on both sides of the range): ranges of 1 to 40 days.
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

  const activeUsers = async (from: string, to: string, tenant: string | null) => {
    const rows = await run<{ key: string }>((text, values) => test.dataSource.query(text, values), {
      sql: `SELECT concat_ws('/', tenant_id, value::text) AS key
            FROM (${stateActiveUsersSql(':from::date', ':to::date', ':from::date')}) AS counts ORDER BY 1`,
      params: { from, to, tenant },
    });
    return rows.map((row) => row.key);
  };

  /** Each tenant's (or no tenant's) distinct users with an active day in [from, to], as the SQL's rows. */
  const expectedActive = (days: ActiveDay[], from: string, to: string, tenant: string | null) => {
    const users = new Map<string | null, Set<string>>();
    for (const active of days) {
      if (active.day < from || active.day > to || (tenant !== null && active.tenant_id !== tenant)) continue;
      users.set(active.tenant_id, (users.get(active.tenant_id) ?? new Set()).add(active.user_id));
    }
    return [...users.entries()]
      .map(([tenantId, ids]) => [tenantId, String(ids.size)].filter((part) => part !== null).join('/'))
      .sort();
  };

  it("counts a range's distinct active users per tenant, whether its rows' first and last days settle it or not", async () => {
    const user = fc.record({
      tenant_id: fc.constantFrom('a', 'b', null),
      user_id: fc.constantFrom('u1', 'u2', 'u3', 'u4', 'u5', 'u6'),
      offsets: fc.uniqueArray(fc.integer({ min: 0, max: SPAN - 1 }), { minLength: 1, maxLength: 8 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(user, { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 0, max: SPAN - 1 }),
        fc.integer({ min: 1, max: 40 }),
        fc.constantFrom('a', null),
        async (users, start, length, tenant) => {
          const days = users.flatMap(({ tenant_id, user_id, offsets }) =>
            offsets.map((offset) => ({ tenant_id, user_id, day: dateOf(offset) })),
          );
          const unique = [...new Map(days.map((active) => [JSON.stringify(active), active])).values()];
          await writeState(unique);
          const from = dateOf(start);
          const to = dateOf(start + length - 1);
          expect({ from, to, rows: await activeUsers(from, to, tenant) }).toEqual({
            from,
            to,
            rows: expectedActive(unique, from, to, tenant),
          });
        },
      ),
      { numRuns: 150 },
    );
  });

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
