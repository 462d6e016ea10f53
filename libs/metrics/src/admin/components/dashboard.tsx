import React, { useEffect, useMemo, useState } from 'react';
import { Box, H2, H3, Loader, MessageBox, Text } from '@adminjs/design-system';
import { ViewHelpers } from 'adminjs';
import AlertsList from './alerts-list';
import { apiUrl } from './api';
import CohortHeatmap from './cohort-heatmap';
import { CHARTS, REVENUE_KPIS, USER_KPIS, type KpiSpec } from './dashboard-spec';
import { formatValue } from './format';
import OpenAlerts from './open-alerts';
import './label-admin-controls';
import './open-navigation';
import './panel-style';
import { autoBucket, bucketOf, defaultEnd, presetRange, type Compare } from './dates';
import { filtersFromSearch, keepFiltersInAddress } from './filters-url';
import { useCompareSeries } from './use-compare-series';
import EmptyState from './empty-state';
import FiltersBar, { type Filters } from './filters-bar';
import KpiCard from './kpi-card';
import MrrByPlanChart from './mrr-by-plan-chart';
import MrrWaterfall from './mrr-waterfall';
import SeriesChart from './series-chart';
import TenantsTable from './tenants-table';
import ThemeToggle from './theme-toggle';
import { useAutoRefresh } from './use-auto-refresh';
import { useAfterPaint } from './use-after-paint';
import { useDashboardData } from './use-dashboard-data';

const STRIPE_HINT = 'Connect Stripe to see revenue';
const grid = (min: number): React.CSSProperties => ({
  display: 'grid',
  gap: 16,
  gridTemplateColumns: `repeat(auto-fill, minmax(min(${min}px, 100%), 1fr))`,
});

/** The filters the address names (kept there across a reload, e.g. the theme switch), else the last 30 days. */
function initialFilters(): Filters {
  return filtersFromSearch(window.location.search);
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
  useEffect(() => keepFiltersInAddress(filters), [filters]);
  const bucket = filters.bucket === 'auto' ? autoBucket(filters.start, filters.end) : filters.bucket;
  const query = useMemo(
    () => ({ start: filters.start, end: filters.end, tenant: filters.tenant, bucket }),
    [filters.start, filters.end, filters.tenant, bucket],
  );
  const { catalog, data, error, loading, reload, autoReload } = useDashboardData(query);
  // The headline numbers are drawn from `data` at once; everything under them from `later`, after they are painted.
  const later = useAfterPaint(data);
  const [compare, setCompare] = useState<Compare>('none');
  const compared = useCompareSeries(query, compare);
  const overlayName = compare === 'year' ? 'a year earlier' : 'previous period';
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
  const card = (kpi: KpiSpec) =>
    data &&
    catalog && (
      <KpiCard
        key={kpi.key}
        metricKey={kpi.key}
        metric={catalog[kpi.key]}
        value={data.current.metrics[kpi.key] ?? null}
        previous={data.previous.metrics[kpi.key] ?? null}
        previousCoverage={data.previous.range}
        better={kpi.better}
        currency={currency}
        per={data.current.per?.[kpi.key]}
        note={
          kpi.key === 'mrr' && data.current.metrics.arr !== null
            ? { testId: 'kpi-mrr-arr', text: `ARR ${formatValue(data.current.metrics.arr, 'currency', currency)}` }
            : undefined
        }
        emptyHint={catalog[kpi.key]?.group === 'revenue' ? STRIPE_HINT : 'No data in this range'}
      />
    );

  return (
    <Box
      p={['default', 'xl']}
      className="em-root"
      data-testid="metrics-dashboard"
      data-state={state}
      data-loaded-query={data ? JSON.stringify(data.query) : ''}
      data-charts-query={later ? JSON.stringify(later.query) : ''}
    >
      <Box flex flexDirection="row" justifyContent="space-between" alignItems="center" flexWrap="wrap">
        <H2>Exec Metrics</H2>
        <ThemeToggle />
      </Box>
      <Text className="em-muted" mb="lg">
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
          {[
            { id: 'revenue', title: 'Revenue', kpis: REVENUE_KPIS },
            { id: 'users', title: 'Users and engagement', kpis: USER_KPIS },
          ].map((row) => (
            <Box key={row.id} mb="lg" data-testid={`kpi-row-${row.id}`}>
              <H3 mb="default">{row.title}</H3>
              <Box style={grid(150)}>{row.kpis.map(card)}</Box>
            </Box>
          ))}
          {later && (
            <>
              {/* Below the headline: drawn once its numbers are painted. The drill-down, open alerts, MRR by plan and
                cohorts read the database themselves from then on, so they never hold the headline back. */}
              {later.query.tenant === null && (
                <TenantsTable
                  start={later.query.start}
                  end={later.query.end}
                  currency={currency}
                  onOpen={(tenant) => change({ tenant })}
                />
              )}
              <Box mb="lg">
                <OpenAlerts tenant={query.tenant} />
              </Box>
              <Box mb="lg">
                <AlertsList alerts={later.current.alerts} />
              </Box>
              <Box
                mb="default"
                flex
                flexDirection="row"
                alignItems="center"
                style={{ gap: 8, background: 'var(--em-page)' }}
              >
                <label htmlFor="metrics-compare">
                  <Text fontSize="sm" className="em-muted">
                    Compare with
                  </Text>
                </label>
                <select
                  id="metrics-compare"
                  data-testid="compare"
                  data-loaded={compared.loadedFor}
                  value={compare}
                  onChange={(event) => setCompare(event.target.value as Compare)}
                  style={{
                    height: 32,
                    border: '1px solid var(--em-border)',
                    borderRadius: 4,
                    background: 'var(--em-surface)',
                  }}
                >
                  <option value="none">Nothing</option>
                  <option value="previous">Previous period</option>
                  <option value="year">Same period last year</option>
                </select>
              </Box>
              <Box style={grid(420)} mb="lg">
                {CHARTS.map((chart) => (
                  <SeriesChart
                    key={chart.id}
                    chart={chart}
                    series={later.series}
                    catalog={catalog}
                    currency={currency}
                    overlay={compared.series ? { series: compared.series, name: overlayName } : null}
                    annotations={later.annotations.map((annotation) => ({
                      date: bucketOf(annotation.day, later.query.bucket),
                      label: annotation.label,
                    }))}
                  />
                ))}
                <MrrWaterfall
                  metrics={later.current.metrics}
                  catalog={catalog}
                  currency={currency}
                  range={later.query}
                />
                <MrrByPlanChart query={later.query} currency={currency} />
              </Box>
              <CohortHeatmap
                tenant={later.query.tenant}
                loadNumber={later.loadNumber}
                autoRefresh={later.autoRefresh}
              />
            </>
          )}
        </Box>
      )}
    </Box>
  );
}
