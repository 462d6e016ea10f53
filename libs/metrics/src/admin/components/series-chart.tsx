import React from 'react';
import { Box, H4, Text } from '@adminjs/design-system';
import { Bar, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { COLORS, chartMetrics, type ChartSpec } from './dashboard-spec';
import EmptyState from './empty-state';
import { formatValue, type CatalogMetric } from './format';

export type Series = Record<string, { date: string; value: number | null }[]>;

interface Props {
  chart: ChartSpec;
  series: Series;
  catalog: Record<string, CatalogMetric>;
  currency: string;
}

/** One chart of the declarative list: bars and lines of catalog metrics over the buckets of the range. */
export default function SeriesChart({ chart, series, catalog, currency }: Props) {
  const keys = chartMetrics(chart).filter((key) => series[key]);
  const dates = series[keys[0]]?.map((point) => point.date) ?? [];
  const rows = dates.map((date, index) => {
    const row: Record<string, string | number | null> = { date };
    for (const key of keys) row[key] = series[key][index]?.value ?? null;
    return row;
  });
  const empty = rows.every((row) => keys.every((key) => row[key] === null));
  const right = new Set(chart.rightAxis ?? []);
  const label = (key: string) => catalog[key]?.label ?? key;
  const data = Object.fromEntries(keys.map((key) => [key, series[key].map((point) => point.value)]));
  return (
    <Box
      data-testid={`chart-${chart.id}`}
      data-series={JSON.stringify(data)}
      data-dates={JSON.stringify(dates)}
      bg="white"
      p="lg"
      style={{ borderRadius: 8, boxShadow: '0 1px 3px rgba(16,24,40,.1)', minWidth: 0 }}
    >
      <H4>{chart.title}</H4>
      {empty && chart.billing ? (
        <EmptyState testId={`chart-${chart.id}-connect-stripe`} title="Connect Stripe to see revenue">
          Revenue metrics stay empty until billing is connected: set STRIPE_SECRET_KEY and STRIPE_WEBHOOK_SECRET, point
          a Stripe webhook at the metrics API (stripe/webhook), then run a Stripe sync and a backfill.
        </EmptyState>
      ) : empty ? (
        <EmptyState testId={`chart-${chart.id}-empty`} title="No data in this range">
          Nothing was recorded for these metrics in the selected range. Send events to the metrics API or run a
          backfill.
        </EmptyState>
      ) : (
        <ResponsiveContainer width="100%" height={240}>
          <ComposedChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#eaecf0" />
            <XAxis dataKey="date" tick={{ fontSize: 11 }} minTickGap={24} />
            <YAxis yAxisId="left" tick={{ fontSize: 11 }} width={56} />
            {right.size > 0 && <YAxis yAxisId="right" orientation="right" tick={{ fontSize: 11 }} width={56} />}
            <Tooltip
              formatter={(value: number, key: string) => [formatValue(value, catalog[key]?.unit, currency), label(key)]}
            />
            <Legend formatter={(key: string) => label(key)} />
            {(chart.bars ?? [])
              .filter((key) => series[key])
              .map((key, index) => (
                <Bar
                  key={key}
                  dataKey={key}
                  yAxisId={right.has(key) ? 'right' : 'left'}
                  stackId={chart.stacked ? 'stack' : undefined}
                  fill={COLORS[index % COLORS.length]}
                  isAnimationActive={false}
                />
              ))}
            {(chart.lines ?? [])
              .filter((key) => series[key])
              .map((key, index) => (
                <Line
                  key={key}
                  dataKey={key}
                  yAxisId={right.has(key) ? 'right' : 'left'}
                  stroke={COLORS[(index + (chart.bars?.length ?? 0)) % COLORS.length]}
                  dot={false}
                  connectNulls
                  isAnimationActive={false}
                />
              ))}
          </ComposedChart>
        </ResponsiveContainer>
      )}
      <Box flex flexDirection="row" flexWrap="wrap" style={{ gap: 12 }}>
        {keys.map((key) => {
          const last = [...series[key]].reverse().find((point) => point.value !== null)?.value ?? null;
          return (
            <Text
              key={key}
              fontSize="sm"
              color="grey60"
              data-testid={`chart-${chart.id}-${key}-last`}
              data-value={String(last)}
            >
              {label(key)}: {formatValue(last, catalog[key]?.unit, currency)}
            </Text>
          );
        })}
      </Box>
    </Box>
  );
}
