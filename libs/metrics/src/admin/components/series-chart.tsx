import React from 'react';
import { Box, H4, Text } from '@adminjs/design-system';
import {
  Bar,
  CartesianGrid,
  Cell,
  ComposedChart,
  Legend,
  Line,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { chartMetrics, colorOf, type ChartSpec } from './dashboard-spec';
import EmptyState from './empty-state';
import { formatTick, formatValue, type CatalogMetric } from './format';

export type Series = Record<string, { date: string; value: number | null; complete?: boolean }[]>;

interface Props {
  chart: ChartSpec;
  series: Series;
  catalog: Record<string, CatalogMetric>;
  currency: string;
  /** Marked days, each already placed on its bucket's date. */
  annotations?: { date: string; label: string }[];
  /** The lines over an earlier period, drawn grey and dashed under the same buckets; its name for the legend. */
  overlay?: { series: Series; name: string } | null;
}

/** The dashed continuation of a line into the bucket still in progress. */
const TO_DATE = '__to_date';
/** Units counted in whole numbers: their axes have no 0.3 ticks. */
const WHOLE = new Set(['count', 'tokens']);
/** The same line over the compared period. */
const COMPARE = '__compare';

/**
 * One chart of the declarative list: bars and lines of catalog metrics over the buckets of the range. The bucket
 * still in progress is drawn as such (a dashed line, a pale bar, "to date" on its date), never as a cliff.
 */
export default function SeriesChart({ chart, series, catalog, currency, annotations = [], overlay }: Props) {
  const keys = chartMetrics(chart).filter((key) => series[key]);
  const points = series[keys[0]] ?? [];
  const dates = points.map((point) => point.date);
  const toDate = new Set(points.filter((point) => point.complete === false).map((point) => point.date));
  const negative = new Set(chart.negative ?? []);
  const lines = (chart.lines ?? []).filter((key) => series[key]);
  const bars = (chart.bars ?? []).filter((key) => series[key]);
  const rows = dates.map((date, index) => {
    const row: Record<string, string | number | null> = { date };
    for (const key of keys) {
      const value = series[key][index]?.value ?? null;
      row[key] = value !== null && negative.has(key) ? -value : value;
    }
    return row;
  });
  // Lines stop at the last complete bucket; the dashed copy joins it to the bucket still in progress.
  for (const key of lines) {
    rows.forEach((row, index) => {
      const next = rows[index + 1];
      const inProgress = toDate.has(String(row.date));
      const joinsNext = next !== undefined && toDate.has(String(next.date));
      row[`${key}${TO_DATE}`] = inProgress || joinsNext ? row[key] : null;
      if (inProgress) row[key] = null;
    });
  }
  // The earlier period, bucket by bucket: its i-th bucket under this range's i-th.
  const compared = lines.filter((key) => overlay?.series[key]);
  for (const key of compared) {
    rows.forEach((row, index) => {
      row[`${key}${COMPARE}`] = overlay!.series[key][index]?.value ?? null;
    });
  }
  const empty = rows.every((row) => keys.every((key) => row[key] === null && row[`${key}${TO_DATE}`] == null));
  const right = new Set(chart.rightAxis ?? []);
  const baseKey = (key: string) => key.replace(TO_DATE, '').replace(COMPARE, '');
  const label = (key: string) =>
    `${catalog[baseKey(key)]?.label ?? baseKey(key)}${key.endsWith(COMPARE) ? ` (${overlay?.name ?? 'earlier'})` : ''}`;
  const unitOf = (axisKeys: string[]) => catalog[axisKeys[0]]?.unit;
  const leftUnit = unitOf(keys.filter((key) => !right.has(key)));
  const rightUnit = unitOf(keys.filter((key) => right.has(key)));
  const data = Object.fromEntries(keys.map((key) => [key, series[key].map((point) => point.value)]));
  const colors = new Map(keys.map((key, index) => [key, colorOf(key, index)]));
  const tickDate = (date: string) => (toDate.has(date) ? `${date} (to date)` : date);
  const marks = annotations.filter((annotation) => dates.includes(annotation.date));
  return (
    <Box
      data-testid={`chart-${chart.id}`}
      data-series={JSON.stringify(data)}
      data-dates={JSON.stringify(dates)}
      data-to-date={JSON.stringify([...toDate])}
      data-annotations={JSON.stringify(marks)}
      data-compare={JSON.stringify(
        Object.fromEntries(
          compared.map((key) => [key, overlay!.series[key].slice(0, rows.length).map((p) => p.value)]),
        ),
      )}
      className="em-card"
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
        <ResponsiveContainer width="100%" height={260}>
          <ComposedChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: 0 }} stackOffset="sign">
            <CartesianGrid strokeDasharray="3 3" stroke="#eaecf0" />
            <XAxis dataKey="date" tick={{ fontSize: 11 }} minTickGap={24} tickFormatter={tickDate} />
            <YAxis
              yAxisId="left"
              allowDecimals={!WHOLE.has(leftUnit ?? '')}
              tick={{ fontSize: 11 }}
              width={60}
              tickFormatter={(value: number) => formatTick(value, leftUnit, currency)}
            />
            {right.size > 0 && (
              <YAxis
                yAxisId="right"
                orientation="right"
                allowDecimals={!WHOLE.has(rightUnit ?? '')}
                tick={{ fontSize: 11 }}
                width={60}
                tickFormatter={(value: number) => formatTick(value, rightUnit, currency)}
              />
            )}
            {marks.map((mark) => (
              <ReferenceLine
                key={`${mark.date}-${mark.label}`}
                x={mark.date}
                yAxisId="left"
                stroke="#475467"
                strokeDasharray="2 3"
                label={{ value: mark.label, position: 'insideTopLeft', fontSize: 11, fill: '#344054' }}
              />
            ))}
            {negative.size > 0 && <ReferenceLine y={0} yAxisId={right.size > 0 ? 'right' : 'left'} stroke="#98a2b3" />}
            <Tooltip
              labelFormatter={(date: string) => tickDate(date)}
              formatter={(value: number, key: string) => {
                const base = baseKey(key);
                const shown = negative.has(base) ? Math.abs(value) : value;
                return [formatValue(shown, catalog[base]?.unit, currency), label(key)];
              }}
            />
            <Legend formatter={(key: string) => label(key)} />
            {bars.map((key) => (
              <Bar
                key={key}
                dataKey={key}
                name={key}
                yAxisId={right.has(key) ? 'right' : 'left'}
                stackId={chart.stacked ? 'stack' : undefined}
                fill={colors.get(key)}
                isAnimationActive={false}
              >
                {rows.map((row) => (
                  <Cell key={String(row.date)} fillOpacity={toDate.has(String(row.date)) ? 0.4 : 1} />
                ))}
              </Bar>
            ))}
            {compared.map((key) => (
              <Line
                key={`${key}${COMPARE}`}
                dataKey={`${key}${COMPARE}`}
                name={`${key}${COMPARE}`}
                yAxisId={right.has(key) ? 'right' : 'left'}
                stroke="#667085"
                strokeWidth={1.5}
                strokeDasharray="3 3"
                dot={false}
                connectNulls
                isAnimationActive={false}
              />
            ))}
            {lines.map((key) => [
              <Line
                key={key}
                dataKey={key}
                name={key}
                yAxisId={right.has(key) ? 'right' : 'left'}
                stroke={colors.get(key)}
                strokeWidth={2}
                dot={false}
                connectNulls
                isAnimationActive={false}
              />,
              <Line
                key={`${key}${TO_DATE}`}
                dataKey={`${key}${TO_DATE}`}
                name={`${key}${TO_DATE}`}
                yAxisId={right.has(key) ? 'right' : 'left'}
                stroke={colors.get(key)}
                strokeWidth={2}
                strokeDasharray="5 4"
                dot={false}
                legendType="none"
                isAnimationActive={false}
              />,
            ])}
          </ComposedChart>
        </ResponsiveContainer>
      )}
      {toDate.size > 0 && !empty && (
        <Text fontSize="sm" color="grey80" data-testid={`chart-${chart.id}-to-date`}>
          Dashed / pale: {[...toDate].join(', ')} is to date (not finished yet).
        </Text>
      )}
      <Box flex flexDirection="row" flexWrap="wrap" style={{ gap: 12 }}>
        {keys.map((key) => {
          const last = [...series[key]].reverse().find((point) => point.value !== null)?.value ?? null;
          return (
            <Text
              key={key}
              fontSize="sm"
              color="grey80"
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
