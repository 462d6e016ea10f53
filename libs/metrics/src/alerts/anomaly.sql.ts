/**
 * Robust z-scores with weekday seasonality, for every watched metric, scope and target day at once.
 *
 * Each target value is compared with the same metric, same scope, on the same weekday of the previous
 * :weeks weeks (a Monday with the last 8 Mondays): the median of those values is what is expected, and the
 * median absolute deviation (MAD, × 1.4826 to estimate a standard deviation) is its spread. Median and MAD
 * are not moved by the one bad day the history may hold, as a mean and standard deviation would be.
 * The spread has a floor (:min_rel_change of the median over :warning_z) so that a perfectly flat history
 * does not turn every small change into an infinite score.
 *
 * Parameters: :env, :tenant (null: every scope), :d0 and :d1 (the target days), :weeks, :keys (text[]).
 * A row per (scope, day, metric) that has a value and at least one point of history; the caller applies
 * the minimum history, the z limits and the minimum absolute change.
 */
export const ANOMALY_SCORES_SQL = `
WITH keys AS (SELECT unnest(:keys::text[]) AS key),
points AS (
  SELECT s.tenant_id, s.bucket_date AS day, k.key, (to_jsonb(s) ->> k.key)::float8 AS v
  FROM system_metrics_snapshot s CROSS JOIN keys k
  WHERE s.environment = :env AND s.bucket_type = 'daily'
    AND s.bucket_date BETWEEN :d0::date - 7 * :weeks::int AND :d1::date
    AND (:tenant::varchar IS NULL OR s.tenant_id = :tenant::varchar)
),
-- One pass: each day's same-weekday values of the previous :weeks weeks, gathered by a window.
windowed AS (
  SELECT tenant_id, day, key, v AS value,
         array_agg(v) FILTER (WHERE v IS NOT NULL) OVER (
           PARTITION BY tenant_id, key, extract(isodow FROM day) ORDER BY day
           RANGE BETWEEN make_interval(days => 7 * :weeks::int) PRECEDING AND interval '1 day' PRECEDING) AS past
  FROM points
)
SELECT w.tenant_id, w.day::text AS day, w.key, w.value, m.n, m.median, m.low, m.high, d.mad,
       greatest(1.4826 * d.mad, :min_rel_change::float8 * abs(m.median) / :warning_z::float8) AS sigma
FROM windowed w
CROSS JOIN LATERAL (
  SELECT count(*)::int AS n, percentile_cont(0.5) WITHIN GROUP (ORDER BY p) AS median, min(p) AS low, max(p) AS high
  FROM unnest(w.past) AS p) m
CROSS JOIN LATERAL (
  SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY abs(p - m.median)) AS mad FROM unnest(w.past) AS p) d
WHERE w.day BETWEEN :d0::date AND :d1::date AND w.value IS NOT NULL AND m.n > 0
ORDER BY w.day, w.tenant_id NULLS FIRST, w.key`;
