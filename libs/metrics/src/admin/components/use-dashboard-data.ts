import { useCallback, useEffect, useRef, useState } from 'react';
import { apiGet } from './api';
import type { Alert } from './alerts-list';
import { CHARTS, chartMetrics } from './dashboard-spec';
import type { BucketType } from './dates';
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
  /** Which load this is (parts that load themselves after the first view follow it) and whether it was automatic. */
  loadNumber: number;
  autoRefresh: boolean;
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

/** GET first-view: each part as its own route answers it (read/first-view.dto.ts). */
interface FirstView {
  catalog: { metrics: CatalogMetric[] };
  summary: Summary;
  previous: Summary;
  timeseries: { series: Series };
  annotations: { annotations: Annotation[] };
}

/**
 * The dashboard's first view (summary now and before, timeseries, annotations and the catalog) in one request
 * (GET first-view: one audit record, one wait for the database), with loading and error states. A newer request
 * wins: an answer to an older filter never overwrites a newer one. The parts below the first screen (cohorts,
 * the tenants table, open alerts, MRR by plan) load themselves once these answers are shown.
 */
export function useDashboardData(query: Query) {
  const [catalog, setCatalog] = useState<Record<string, CatalogMetric> | null>(null);
  const [data, setData] = useState<DashboardData | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);

  // `auto`: the auto-refresh timer (the audit trail records a view once, not each refresh of it).
  const load = useCallback(
    (auto?: unknown) => {
      const autoRefresh = auto === true;
      const mine = ++generation.current;
      setLoading(true);
      const range = { start: query.start, end: query.end, tenant: query.tenant, bucket: query.bucket };
      apiGet<FirstView>('first-view', { ...range, metric: SERIES_KEYS.join(',') }, { autoRefresh })
        .then((answer) => {
          if (mine !== generation.current) return;
          setCatalog(Object.fromEntries(answer.catalog.metrics.map((metric) => [metric.key, metric])));
          setData({
            query,
            loadNumber: mine,
            autoRefresh,
            current: answer.summary,
            previous: answer.previous,
            series: answer.timeseries.series,
            annotations: answer.annotations.annotations,
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
