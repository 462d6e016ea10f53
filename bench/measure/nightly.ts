import { AlertEvaluator } from '@exec-metrics/metrics';
import { EVENT_SOURCE, LATE_REACH } from '../../libs/metrics/src/common/late-reach.js';
import type { MetricsEventType } from '../../libs/metrics/src/common/event.types.js';
import type { BenchApp } from '../bench-app.js';
import { DERIVED_TABLES, vacuumUntilAllVisible } from '../loader.js';

/** The event tables whose rows arrive through the day, each with the column that dates a row. */
const ARRIVING_THROUGH_THE_DAY = [
  ['metrics_lifecycle_event', 'occurred_at'],
  ['metrics_activity_event', 'occurred_at'],
  ['system_activation_event', 'occurred_at'],
  ['metrics_ai_usage_event', 'occurred_at'],
  ['metrics_job_event', 'started_at'],
] as const;

/** Each arriving table's event type, as the ingest knows its rows: a column of the row, or one type for the table. */
const EVENT_TYPE: Record<(typeof ARRIVING_THROUGH_THE_DAY)[number][0], string> = {
  metrics_lifecycle_event: 'type',
  metrics_activity_event: 'type',
  system_activation_event: "'activation'",
  metrics_ai_usage_event: "'ai_usage'",
  metrics_job_event: "'job'",
};

/** Where a table's rows not yet arrived wait while the previous night runs. */
const heldTable = (table: string) => `bench_held_${table}`;

/** Moves the rows dated at or after `at` out of the event tables (they have not arrived yet). */
async function holdBack(bench: BenchApp, at: Date): Promise<void> {
  for (const [table, column] of ARRIVING_THROUGH_THE_DAY) {
    await bench.db.query(`CREATE TABLE IF NOT EXISTS ${heldTable(table)} (LIKE ${table})`);
    await bench.db.query(
      `WITH later AS (DELETE FROM ${table} WHERE ${column} >= $1 RETURNING *)
       INSERT INTO ${heldTable(table)} SELECT * FROM later`,
      [at.toISOString()],
    );
  }
}

/**
 * The held rows arrive, and a day's autovacuum and checkpoints have run on the tables they left and came back to. The
 * checkpoint writes out the pages the arrival dirtied: a day's ingest is written by the checkpoints of the day, while
 * here it arrives in a second, and the night's first statements paid to write it out when they evicted those pages
 * to read theirs (at scale 1 the user-days statement took 0.4 or 0.8 s, as it found them).
 */
async function arrive(bench: BenchApp, today: string): Promise<void> {
  await markReachedDays(bench, today);
  for (const [table] of ARRIVING_THROUGH_THE_DAY) {
    await bench.db.query(
      `WITH arrived AS (DELETE FROM ${heldTable(table)} RETURNING *) INSERT INTO ${table} SELECT * FROM arrived`,
    );
    await bench.db.query(`DROP TABLE ${heldTable(table)}`);
  }
  const tables = ARRIVING_THROUGH_THE_DAY.map(([table]) => table);
  await bench.db.query(`VACUUM (ANALYZE, INDEX_CLEANUP ON) ${tables.join(', ')}`);
  if (bench.db.kind === 'postgresql') {
    // By the night the day's autovacuum has marked the arrived rows' pages all-visible. Here a session (an autovacuum
    // ANALYZE of what the previous night wrote) often held a snapshot from before the arrival (one table or more
    // needed a second VACUUM on each of five nights at scale 1), and the night's index-only scan of the day fetched
    // its 80 thousand rows from the heap (the user-days statement 0.4 or 0.8 s at scale 1). INDEX_CLEANUP ON: the
    // index entries of the rows holdBack moved away are removed too; by default VACUUM leaves them when they lie on
    // few pages, and each night's scan of the day met every earlier night's.
    await vacuumUntilAllVisible(bench.db, tables);
    await bench.db.query('CHECKPOINT');
  }
}

/**
 * The computed days the arriving rows reach are marked, as the ingest marks them for every event it accepts
 * (EventWriter.markLateInstants) and the schedule for a host relation's new rows (markLateSourceRows): each row's
 * local day, `LATE_REACH` days back and forward, for its source, on the computed days before `today`, the day they
 * arrive on (the ingest marks the days before its own today). So the night's own day is never marked, although the
 * backfill and the previous samples computed it: no run has computed a day before its night in production. A key
 * action activates signups of the 7 days before it, which the night's run refreshes itself
 * (activation-refresh.sql.ts). Until 2026-12-07's sixteenth session a key action marked those 7 days, and the catch-up
 * computed them whole again after the night, and the bench marked the night's own day too (its lifecycle mark made
 * the night's run and the catch-up read the whole lifecycle history); until the fifteenth the bench moved the rows
 * back without marks, and measured the night's own day alone (the days before kept the activation of their signups
 * as of the previous night).
 */
async function markReachedDays(bench: BenchApp, today: string): Promise<void> {
  const reached: { day: string; type: MetricsEventType }[] = [];
  for (const [table, column] of ARRIVING_THROUGH_THE_DAY) {
    reached.push(
      ...(await bench.db.query<{ day: string; type: MetricsEventType }>(
        `SELECT DISTINCT (${column} AT TIME ZONE 'UTC')::date::text AS day, ${EVENT_TYPE[table]} AS type
         FROM ${heldTable(table)}`,
      )),
    );
  }
  await bench.db.query(
    `INSERT INTO metrics_dirty_day (day, source)
     SELECT DISTINCT s.bucket_date, r.source
     FROM unnest($1::date[], $2::int[], $3::int[], $4::text[]) AS r(day, back, forward, source)
     JOIN system_metrics_snapshot s ON s.bucket_type = 'daily' AND s.tenant_id IS NULL
       AND s.bucket_date BETWEEN r.day - r.back AND coalesce(r.day + r.forward, 'infinity'::date)
     WHERE s.bucket_date < $5::date
     ON CONFLICT (day, source) DO UPDATE SET marked_at = now()`,
    [
      reached.map(({ day }) => day),
      reached.map(({ type }) => LATE_REACH[type].back),
      reached.map(({ type }) => LATE_REACH[type].forward),
      reached.map(({ type }) => EVENT_SOURCE[type]),
      today,
    ],
  );
}

/** The marked days up to `through`, as the scheduler's catch-up computes them: runs of consecutive days, then unmarked. */
async function catchUp(bench: BenchApp, through: string, asOf: Date): Promise<void> {
  const marked = await bench.db.query<{ first: string; last: string }>(
    `SELECT min(day)::text AS first, max(day)::text AS last FROM (
       SELECT day, day - (row_number() OVER (ORDER BY day))::int AS run
       FROM (SELECT DISTINCT day FROM metrics_dirty_day WHERE day <= $1::date) AS marked
     ) AS days GROUP BY run ORDER BY 1`,
    [through],
  );
  for (const { first, last } of marked) {
    await bench.metrics.computeRange({ start: first, end: last, asOf });
    await bench.db.query('DELETE FROM metrics_dirty_day WHERE day BETWEEN $1::date AND $2::date', [first, last]);
  }
}

/**
 * The nightly run for `end`, `samples` times; each night's seconds. It is measured as the scheduler runs it: the
 * previous night's run (the day before, on the morning of `end` at 06:00, not timed) leaves the state a real night
 * starts from. That run sees only the events of `end` dated before 06:00, as it would: it folds those early hours into
 * the activity state, and the night then folds the whole day (until 2026-12-03's sixth session the previous night saw
 * the whole day, so the night found every user's day already folded). Without the previous night the nightly would
 * recompute a day with the as_of the backfill just used, which no schedule does: every cohort month whose shown weeks
 * reach that day would be rewritten instead of advanced by its matured week. The night is the scheduler's daily tick:
 * the catch-up of the days before `end` that the day's rows marked (markReachedDays: none since 2026-12-07's
 * sixteenth session, where a key action marked the week before), then the run of `end` (until the seventeenth the
 * catch-up ran after it, as the scheduler did: a marked day before it sent the run to its whole week or month).
 *
 * Before each pair the derived tables are vacuumed and analysed, as the day between two nights leaves them
 * (autovacuum): back to back without it, each pair's updates left the next one slower (0.77, 0.88, 1.03 s at scale
 * 0.1). The alert evaluation each run queues in the background is awaited before a night is timed: a day apart, the
 * previous night's has long finished.
 */
export async function measureNightly(bench: BenchApp, end: string, asOf: Date, samples: number): Promise<number[]> {
  const morning = new Date(`${end}T06:00:00Z`);
  const dayBefore = new Date(Date.parse(`${end}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
  const alerts = bench.app.get(AlertEvaluator);
  const nights: number[] = [];
  for (let night = 0; night < samples; night++) {
    await bench.db.query(`VACUUM (ANALYZE) ${DERIVED_TABLES}`);
    await holdBack(bench, morning);
    await bench.metrics.computeRange({ start: dayBefore, end: dayBefore, asOf: morning });
    await alerts.settled();
    await arrive(bench, end);
    const started = performance.now();
    await catchUp(bench, dayBefore, asOf);
    await bench.metrics.computeRange({ start: end, end, asOf });
    nights.push((performance.now() - started) / 1000);
    await alerts.settled();
  }
  return nights;
}
