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
history AS (
  SELECT t.tenant_id, t.day, t.key, t.v AS value, h.v AS past
  FROM points t
  JOIN points h ON h.tenant_id IS NOT DISTINCT FROM t.tenant_id AND h.key = t.key
   AND h.day < t.day AND h.day >= t.day - 7 * :weeks::int AND (t.day - h.day) % 7 = 0
  WHERE t.day BETWEEN :d0::date AND :d1::date AND t.v IS NOT NULL AND h.v IS NOT NULL
),
medians AS (
  SELECT tenant_id, day, key, value, count(*)::int AS n,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY past) AS median,
         min(past) AS low, max(past) AS high
  FROM history GROUP BY tenant_id, day, key, value
),
spreads AS (
  SELECT m.tenant_id, m.day, m.key,
         percentile_cont(0.5) WITHIN GROUP (ORDER BY abs(h.past - m.median)) AS mad
  FROM medians m
  JOIN history h ON h.tenant_id IS NOT DISTINCT FROM m.tenant_id AND h.day = m.day AND h.key = m.key
  GROUP BY m.tenant_id, m.day, m.key
)
SELECT m.tenant_id, m.day::text AS day, m.key, m.value, m.n, m.median, m.low, m.high, s.mad,
       greatest(1.4826 * s.mad, :min_rel_change::float8 * abs(m.median) / :warning_z::float8) AS sigma
FROM medians m
JOIN spreads s ON s.tenant_id IS NOT DISTINCT FROM m.tenant_id AND s.day = m.day AND s.key = m.key
ORDER BY m.day, m.tenant_id NULLS FIRST, m.key`;
