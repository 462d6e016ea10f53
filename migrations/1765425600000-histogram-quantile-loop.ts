import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `metrics_histogram_quantile` (the API's p95 latency of every snapshot row written and every range read) as one loop
 * over the histogram's buckets. The SQL body it replaces could not be inlined (a window, an ORDER BY, a LIMIT), so each
 * call started and ended its own executor: ~24 µs a row, ~3.1 s over a scale-1 database's 130,290 snapshots, against
 * ~0.85 s for this loop, with the same result for every one of them (docs/performance.md, "2026-12-05 (sixth
 * session)"). The answer is unchanged: the lower bound of the first bucket whose running count reaches q of the total,
 * plus the bucket's width times the share of its count still needed; the open-ended last bucket answers its lower
 * bound; no count (or no histogram) answers null.
 */
export class HistogramQuantileLoop1765425600000 implements MigrationInterface {
  name = 'HistogramQuantileLoop1765425600000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE OR REPLACE FUNCTION metrics_histogram_quantile(hist bigint[], bounds numeric[], q numeric) RETURNS numeric
      LANGUAGE plpgsql IMMUTABLE AS $$
      DECLARE
        total numeric := 0;
        running numeric := 0;
        lower_bound numeric;
      BEGIN
        FOR i IN 1 .. coalesce(cardinality(hist), 0) LOOP
          total := total + coalesce(hist[i], 0);
        END LOOP;
        IF total <= 0 THEN
          RETURN NULL;
        END IF;
        FOR i IN 1 .. cardinality(hist) LOOP
          running := running + coalesce(hist[i], 0);
          IF hist[i] > 0 AND running >= q * total THEN
            lower_bound := coalesce(bounds[i - 1], 0);
            IF bounds[i] IS NULL THEN
              RETURN lower_bound;
            END IF;
            RETURN lower_bound + (bounds[i] - lower_bound) * ((q * total) - (running - hist[i])) / hist[i];
          END IF;
        END LOOP;
        RETURN NULL;
      END $$`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query('DROP FUNCTION IF EXISTS metrics_histogram_quantile(bigint[], numeric[], numeric)');
    await db.query(`
      CREATE FUNCTION metrics_histogram_quantile(hist bigint[], bounds numeric[], q numeric) RETURNS numeric
      LANGUAGE sql IMMUTABLE AS $$
        WITH buckets AS (
          SELECT i, hist[i] AS n,
                 sum(hist[i]) OVER (ORDER BY i) AS cum,
                 coalesce(bounds[i - 1], 0) AS lower_bound,
                 bounds[i] AS upper_bound
          FROM generate_series(1, cardinality(hist)) AS i
        ), total AS (SELECT sum(n) AS n FROM buckets)
        SELECT CASE WHEN b.upper_bound IS NULL THEN b.lower_bound
                    ELSE b.lower_bound + (b.upper_bound - b.lower_bound) * ((q * t.n) - (b.cum - b.n)) / b.n END
        FROM buckets b, total t
        WHERE t.n > 0 AND b.n > 0 AND b.cum >= q * t.n
        ORDER BY b.i LIMIT 1
      $$`);
  }
}
