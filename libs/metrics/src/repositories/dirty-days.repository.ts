import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { run, type Statement } from '../database/statement.js';
import type { SourceRelations } from '../sql/source-relations.js';
import type { SourceName } from '../metrics.options.js';
import { LIFECYCLE_EVENT_TYPES, type MetricsEventType } from '../common/event.types.js';
import { LATE_REACH, type Reach } from '../common/late-reach.js';

/** How far one late instant's effect reaches around its own local day, in days (null forward: up to today). */
export interface LateReach extends Reach {
  /** An ISO instant. */
  at: string;
  /** Whose data it is: the days are marked for that source. */
  source: SourceName;
}

/** Each source's time column, and the event whose reach a late row of it has (lifecycle rows: their `type`'s). */
const SOURCE_ROWS: Record<SourceName, { time: string; event: MetricsEventType | 'its type' }> = {
  lifecycle: { time: 'occurred_at', event: 'its type' },
  activity: { time: 'occurred_at', event: 'activity' },
  activation: { time: 'occurred_at', event: 'activation' },
  jobs: { time: 'finished_at', event: 'job' },
  ai: { time: 'occurred_at', event: 'ai_usage' },
  api: { time: 'minute', event: 'api_request' },
};

const days = (value: number | null): string => (value === null ? 'NULL' : String(value));

/** A source row's reach as SQL over its columns (`l`): a constant, or by the lifecycle row's type (unknown: no end). */
function rowReach(source: SourceName): { back: string; forward: string } {
  const { event } = SOURCE_ROWS[source];
  if (event !== 'its type') return { back: days(LATE_REACH[event].back), forward: days(LATE_REACH[event].forward) };
  const byType = (side: keyof Reach, otherwise: string) =>
    `CASE l.type ${LIFECYCLE_EVENT_TYPES.map((type) => `WHEN '${type}' THEN ${days(LATE_REACH[type][side])}`).join(' ')} ELSE ${otherwise} END`;
  return { back: byType('back', '0'), forward: byType('forward', 'NULL') };
}

export interface CatchUpQuery {
  env: string;
  /** The reporting timezone, and yesterday in it: the last day the catch-up computes. */
  tz: string;
  yesterday: string;
  /** How far before yesterday a missing day is still computed. */
  lookBackDays: number;
}

/** The statements on `metrics_dirty_day`, as pure functions (docs/sql/dirty-days.sql). */
export const dirtyDayStatements = {
  /**
   * A billing change that took effect in the past changes that day's flows and every later day's stocks
   * (MRR is a running total), so every computed day from then to yesterday is marked for the catch-up.
   */
  markBillingDays: (at: Date, timezone: string): Statement => ({
    sql: `INSERT INTO metrics_dirty_day (day, source)
     SELECT s.bucket_date, 'billing' FROM system_metrics_snapshot s
     WHERE s.bucket_type = 'daily' AND s.tenant_id IS NULL
       AND s.bucket_date >= (:at::timestamptz AT TIME ZONE :timezone)::date
       AND s.bucket_date < (now() AT TIME ZONE :timezone)::date
     GROUP BY s.bucket_date
     ON CONFLICT (day, source) DO UPDATE SET marked_at = now()`,
    params: { at, timezone },
  }),

  /**
   * Late events (or the API interceptor's rollup minutes) make the computed days they reach stale: every day
   * with a snapshot from `back` days before an instant's local day to `forward` days after (null: no end), up
   * to yesterday, for the instant's source. Days never computed need no mark: the catch-up finds them anyway.
   */
  markLateDays: (reaches: readonly LateReach[], timezone: string): Statement => ({
    sql: `INSERT INTO metrics_dirty_day (day, source)
     SELECT DISTINCT s.bucket_date, r.source
     FROM unnest(:ats::timestamptz[], :backs::int[], :forwards::int[], :sources::text[]) AS r(at, back, forward, source)
     JOIN system_metrics_snapshot s
       ON s.bucket_type = 'daily' AND s.tenant_id IS NULL
      AND s.bucket_date BETWEEN (r.at AT TIME ZONE :timezone)::date - r.back
                            AND coalesce((r.at AT TIME ZONE :timezone)::date + r.forward, 'infinity'::date)
     WHERE s.bucket_date < (now() AT TIME ZONE :timezone)::date
     ON CONFLICT (day, source) DO UPDATE SET marked_at = now()`,
    params: {
      ats: reaches.map((reach) => reach.at),
      backs: reaches.map((reach) => reach.back),
      forwards: reaches.map((reach) => reach.forward),
      sources: reaches.map((reach) => reach.source),
      timezone,
    },
  }),

  /**
   * The days up to yesterday the catch-up computes, in order: those since the first lifecycle event (at most
   * `lookBackDays` before yesterday) without a global daily snapshot (the app was down at 01:00), and those marked.
   */
  toCatchUp: (relations: SourceRelations, query: CatchUpQuery): Statement => ({
    sql: `WITH bounds AS (
        SELECT CASE WHEN min(occurred_at) IS NOT NULL
                    THEN greatest((min(occurred_at) AT TIME ZONE :tz)::date, :yesterday::date - :look_back::int) END AS first_day
        FROM ${relations.from('lifecycle')})
      SELECT d::date::text AS day FROM bounds, generate_series(bounds.first_day, :yesterday::date, interval '1 day') AS d
      WHERE NOT EXISTS (
        SELECT 1 FROM system_metrics_snapshot s
        WHERE s.environment = :env AND s.bucket_type = 'daily' AND s.tenant_id IS NULL AND s.bucket_date = d::date)
      UNION
      SELECT day::text FROM metrics_dirty_day WHERE day <= :yesterday::date
      ORDER BY 1`,
    params: { tz: query.tz, yesterday: query.yesterday, look_back: query.lookBackDays, env: query.env },
  }),

  /**
   * A host's `sources` relation has no ingest hook: its rows are followed by a watermark, the latest time the
   * previous check saw. Rows above it that fall on computed days (a host that writes in batches, hours late) mark
   * the days they reach, like late events; the new watermark is the latest time now present. The first check of a
   * relation (or of a changed one) only sets the watermark: every earlier row was there for the runs to read. All
   * in one statement, so the rows marked and the new watermark are read from one snapshot. Reads
   * `time > watermark` of the host's relation: an index on its time column keeps that a range scan.
   */
  markLateSourceRows: (relations: SourceRelations, source: SourceName, relation: string, tz: string): Statement => {
    const { time } = SOURCE_ROWS[source];
    const reach = rowReach(source);
    return {
      sql: `WITH previous AS (
        SELECT high_water FROM metrics_source_watermark WHERE source = :source AND relation = :relation),
      late_rows AS (
        SELECT (l.${time} AT TIME ZONE :tz)::date AS day, ${reach.back} AS back, ${reach.forward} AS forward,
          l.${time} AS at
        FROM ${relations.from(source, 'l')}
        WHERE l.${time} > (SELECT high_water FROM previous)),
      marked AS (
        INSERT INTO metrics_dirty_day (day, source)
        SELECT DISTINCT s.bucket_date, :source
        FROM (SELECT DISTINCT day, back, forward FROM late_rows) r
        JOIN system_metrics_snapshot s
          ON s.bucket_type = 'daily' AND s.tenant_id IS NULL
         AND s.bucket_date BETWEEN r.day - r.back AND coalesce(r.day + r.forward, 'infinity'::date)
        WHERE s.bucket_date < (now() AT TIME ZONE :tz)::date
        ON CONFLICT (day, source) DO UPDATE SET marked_at = now()
        RETURNING day)
      INSERT INTO metrics_source_watermark (source, relation, high_water, checked_at)
      SELECT :source, :relation,
        coalesce((SELECT max(at) FROM late_rows), (SELECT high_water FROM previous),
                 (SELECT max(l.${time}) FROM ${relations.from(source, 'l')}), '-infinity'::timestamptz),
        now()
      ON CONFLICT (source) DO UPDATE
        SET relation = excluded.relation, high_water = excluded.high_water, checked_at = excluded.checked_at
      RETURNING (SELECT count(*) FROM marked)::int AS marked_days`,
      params: { source, relation, tz },
    };
  },

  /**
   * The marks of [start, end] (every source's) made before the run that recomputed those days was claimed (a later
   * one stays).
   */
  clear: (start: string, end: string, claimedAt: Date): Statement => ({
    sql: 'DELETE FROM metrics_dirty_day WHERE day BETWEEN :start AND :end AND marked_at <= :claimed_at',
    params: { start, end, claimed_at: claimedAt },
  }),
};

/**
 * The days the catch-up recomputes: marked by the billing writers (Stripe events and sync, manual revenue) and the
 * event writers (POST events, the API interceptor's flushes), read and cleared by the schedule's catch-up (on the
 * primary).
 */
@Injectable()
export class DirtyDaysRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  private query<T>(statement: Statement): Promise<T[]> {
    return run<T>((text, values) => this.dataSource.query(text, values), statement);
  }

  /** In the caller's transaction, with the billing change that makes the days stale. */
  async markBillingDays(manager: EntityManager, at: Date, timezone: string): Promise<void> {
    await run((text, values) => manager.query(text, values), dirtyDayStatements.markBillingDays(at, timezone));
  }

  /** In the caller's transaction, with the late events that make the days stale. */
  async markLateDays(manager: EntityManager, reaches: readonly LateReach[], timezone: string): Promise<void> {
    if (reaches.length === 0) return;
    await run((text, values) => manager.query(text, values), dirtyDayStatements.markLateDays(reaches, timezone));
  }

  /** The days to compute, as YYYY-MM-DD in order (`relations`: where the lifecycle events are read). */
  async toCatchUp(relations: SourceRelations, query: CatchUpQuery): Promise<string[]> {
    return (await this.query<{ day: string }>(dirtyDayStatements.toCatchUp(relations, query))).map((row) => row.day);
  }

  /** Marks the computed days that late rows of a host relation reach; the number of days marked. */
  async markLateSourceRows(
    relations: SourceRelations,
    source: SourceName,
    relation: string,
    tz: string,
  ): Promise<number> {
    const [row] = await this.query<{ marked_days: number }>(
      dirtyDayStatements.markLateSourceRows(relations, source, relation, tz),
    );
    return row?.marked_days ?? 0;
  }

  async clear(start: string, end: string, claimedAt: Date): Promise<void> {
    await this.query(dirtyDayStatements.clear(start, end, claimedAt));
  }
}
