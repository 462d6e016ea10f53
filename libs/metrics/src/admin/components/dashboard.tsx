import React, { useMemo, useState } from 'react';
import { Box, H2, Loader, MessageBox, Text } from '@adminjs/design-system';
import { ViewHelpers } from 'adminjs';
import AlertsList from './alerts-list';
import { apiUrl } from './api';
import CohortHeatmap from './cohort-heatmap';
import { CHARTS, KPIS } from './dashboard-spec';
import { autoBucket, defaultEnd, presetRange } from './dates';
import EmptyState from './empty-state';
import FiltersBar, { type Filters } from './filters-bar';
import KpiCard from './kpi-card';
import MrrWaterfall from './mrr-waterfall';
import SeriesChart from './series-chart';
import { useAutoRefresh } from './use-auto-refresh';
import { useDashboardData } from './use-dashboard-data';

const STRIPE_HINT = 'Connect Stripe to see revenue';
const grid = (min: number): React.CSSProperties => ({
  display: 'grid',
  gap: 16,
  gridTemplateColumns: `repeat(auto-fill, minmax(min(${min}px, 100%), 1fr))`,
});

function initialFilters(): Filters {
  return { preset: '30d', ...presetRange('30d', defaultEnd()), tenant: null, bucket: 'auto' };
}

function initialRefresh(): number {
  const env = (window as unknown as { AdminJS?: { env?: Record<string, string> } }).AdminJS?.env;
  const seconds = Number(env?.METRICS_REFRESH_SECONDS ?? 60);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : 60;
}

/** The executive dashboard: KPIs, charts, cohorts and alerts from the metrics REST API, for the chosen filters. */
export default function Dashboard() {
  const [filters, setFilters] = useState<Filters>(initialFilters);
  const [refreshSeconds, setRefreshSeconds] = useState(initialRefresh);
  const bucket = filters.bucket === 'auto' ? autoBucket(filters.start, filters.end) : filters.bucket;
  const query = useMemo(
    () => ({ start: filters.start, end: filters.end, tenant: filters.tenant, bucket }),
    [filters.start, filters.end, filters.tenant, bucket],
  );
  const { catalog, data, error, loading, reload, autoReload } = useDashboardData(query);
  useAutoRefresh(refreshSeconds, autoReload);

  const change = (patch: Partial<Filters>) =>
    setFilters((current) => {
      const next = { ...current, ...patch };
      if (patch.preset && patch.preset !== 'custom') Object.assign(next, presetRange(patch.preset, defaultEnd()));
      return next;
    });
  const currency = 'USD';
  const exportUrl = apiUrl('export.csv', query);
  const backfillUrl = new ViewHelpers().pageUrl('Backfill');
  const state = error ? 'error' : loading || !data || !catalog ? 'loading' : 'ready';

  return (
    <Box
      p={['default', 'xl']}
      data-testid="metrics-dashboard"
      data-state={state}
      data-loaded-query={data ? JSON.stringify(data.query) : ''}
    >
      <H2>Exec Metrics</H2>
      <Text color="grey60" mb="lg">
        <span data-testid="range-start">{query.start}</span> → <span data-testid="range-end">{query.end}</span> ·{' '}
        <span data-testid="range-bucket">{bucket}</span> ·{' '}
        <span data-testid="range-tenant">{query.tenant ?? 'all tenants'}</span>
      </Text>
      <FiltersBar
        filters={filters}
        effectiveBucket={autoBucket(filters.start, filters.end)}
        refreshSeconds={refreshSeconds}
        exportUrl={exportUrl}
        onChange={change}
        onRefreshSeconds={setRefreshSeconds}
        onRefresh={reload}
      />
      {error && (
        <Box data-testid="dashboard-error" mb="lg">
          <MessageBox variant="danger" message={`Could not load the metrics: ${error}`} />
        </Box>
      )}
      {!data || !catalog ? (
        !error && <Loader data-testid="dashboard-loading" />
      ) : (
        <Box style={{ opacity: loading ? 0.6 : 1 }}>
          {data.current.range.days_with_data === 0 && (
            <Box mb="lg">
              <EmptyState testId="dashboard-empty" title="No metrics for this range yet">
                Record events from your app (MetricsRecorder or POST {apiUrl('events')}), then compute snapshots: the
                daily schedule does it every night, or run a backfill now on the{' '}
                <a href={backfillUrl}>Backfill &amp; compute</a> page.
              </EmptyState>
            </Box>
          )}
          <Box style={grid(200)} mb="lg">
            {KPIS.map((kpi) => (
              <KpiCard
                key={kpi.key}
                metricKey={kpi.key}
                metric={catalog[kpi.key]}
                value={data.current.metrics[kpi.key] ?? null}
                previous={data.previous.metrics[kpi.key] ?? null}
                better={kpi.better}
                currency={currency}
                emptyHint={catalog[kpi.key]?.group === 'revenue' ? STRIPE_HINT : 'No data in this range'}
              />
            ))}
          </Box>
          <Box mb="lg">
            <AlertsList alerts={data.current.alerts} />
          </Box>
          <Box style={grid(420)} mb="lg">
            {CHARTS.map((chart) => (
              <SeriesChart key={chart.id} chart={chart} series={data.series} catalog={catalog} currency={currency} />
            ))}
            <MrrWaterfall metrics={data.current.metrics} catalog={catalog} currency={currency} />
          </Box>
          <CohortHeatmap cohorts={data.cohorts} />
        </Box>
      )}
    </Box>
  );
}
