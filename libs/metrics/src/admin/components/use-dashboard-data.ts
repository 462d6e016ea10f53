import { useCallback, useEffect, useRef, useState } from 'react';
import { apiGet } from './api';
import type { Alert } from './alerts-list';
import type { CohortRow } from './cohort-heatmap';
import { CHARTS, chartMetrics } from './dashboard-spec';
import { previousRange, type BucketType } from './dates';
import type { CatalogMetric } from './format';
import type { Series } from './series-chart';

export interface Summary {
  range: {
    start: string;
    end: string;
    tenant: string | null;
    bucket: BucketType;
    days: number;
    days_with_data: number;
  };
  metrics: Record<string, number | null>;
  /** The period of each churn rate: an average monthly rate ('month') or the range's own. */
  per: Record<string, 'month' | 'range'>;
  alerts: Alert[];
}

export interface Annotation {
  id: string;
  day: string;
  label: string;
  tenant: string | null;
}

export interface DashboardData {
  /** The filters these answers are for (shown on the page so a reader, or a test, knows what it sees). */
  query: Query;
  current: Summary;
  previous: Summary;
  series: Series;
  cohorts: CohortRow[];
  /** Days admins marked (POST annotations), drawn on every chart. */
  annotations: Annotation[];
}

export interface Query {
  start: string;
  end: string;
  tenant: string | null;
  bucket: BucketType;
}

/** Every metric the dashboard draws, asked for in one timeseries request. */
const SERIES_KEYS = [...new Set(CHARTS.flatMap(chartMetrics))];

/**
 * The dashboard's reads (summary now and before, timeseries, cohorts) and the catalog, with loading and error
 * states. A newer request wins: an answer to an older filter never overwrites a newer one.
 */
export function useDashboardData(query: Query) {
  const [catalog, setCatalog] = useState<Record<string, CatalogMetric> | null>(null);
  const [data, setData] = useState<DashboardData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);

  useEffect(() => {
    apiGet<{ metrics: CatalogMetric[] }>('catalog')
      .then((answer) => setCatalog(Object.fromEntries(answer.metrics.map((metric) => [metric.key, metric]))))
      .catch((failure: Error) => setError(failure.message));
  }, []);

  // `auto`: the auto-refresh timer (the audit trail records a view once, not each refresh of it).
  const load = useCallback(
    (auto?: unknown) => {
      const autoRefresh = { autoRefresh: auto === true };
      const mine = ++generation.current;
      setLoading(true);
      const range = { start: query.start, end: query.end, tenant: query.tenant, bucket: query.bucket };
      const before = previousRange(query.start, query.end);
      Promise.all([
        apiGet<Summary>('summary', range, autoRefresh),
        apiGet<Summary>('summary', { ...range, ...before }, autoRefresh),
        apiGet<{ series: Series }>('timeseries', { ...range, metric: SERIES_KEYS.join(',') }, autoRefresh),
        apiGet<{ cohorts: CohortRow[] }>('cohorts', { tenant: query.tenant, months: 12 }, autoRefresh),
        apiGet<{ annotations: Annotation[] }>(
          'annotations',
          { start: query.start, end: query.end, tenant: query.tenant },
          autoRefresh,
        ),
      ])
        .then(([current, previous, timeseries, cohorts, annotations]) => {
          if (mine !== generation.current) return;
          setData({
            query,
            current,
            previous,
            series: timeseries.series,
            cohorts: cohorts.cohorts,
            annotations: annotations.annotations,
          });
          setError(null);
        })
        .catch((failure: Error) => {
          if (mine === generation.current) setError(failure.message);
        })
        .finally(() => {
          if (mine === generation.current) setLoading(false);
        });
    },
    [query],
  );

  useEffect(() => load(), [load]);
  const autoReload = useCallback(() => load(true), [load]);
  return { catalog, data, error, loading, reload: load, autoReload };
}
