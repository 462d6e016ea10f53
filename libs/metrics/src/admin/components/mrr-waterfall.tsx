import React from 'react';
import { Box, H4 } from '@adminjs/design-system';
import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { MRR_MOVEMENTS } from './dashboard-spec';
import EmptyState from './empty-state';
import { formatValue, type CatalogMetric } from './format';

interface Props {
  /** Range values from the summary: MRR at the end (a stock) and each movement summed over the range (flows). */
  metrics: Record<string, number | null>;
  catalog: Record<string, CatalogMetric>;
  currency: string;
}

/**
 * MRR at the start of the range, each movement as a floating bar, MRR at the end. The start is the end minus the
 * net of the movements, so the steps always land on the reported MRR.
 */
export default function MrrWaterfall({ metrics, catalog, currency }: Props) {
  const end = metrics.mrr ?? null;
  const connected =
    end !== null || MRR_MOVEMENTS.some(({ key }) => metrics[key] !== null && metrics[key] !== undefined);
  const movements = MRR_MOVEMENTS.map(({ key, sign }) => ({ key, delta: sign * (metrics[key] ?? 0) }));
  const start = (end ?? 0) - movements.reduce((sum, { delta }) => sum + delta, 0);
  let level = start;
  const steps = [
    { key: 'start', label: 'MRR at start', base: 0, size: start, value: start, color: '#667085' },
    ...movements.map(({ key, delta }) => {
      const base = delta >= 0 ? level : level + delta;
      level += delta;
      return {
        key,
        label: catalog[key]?.label ?? key,
        base,
        size: Math.abs(delta),
        value: delta,
        color: delta >= 0 ? '#12B76A' : '#F04438',
      };
    }),
    { key: 'end', label: 'MRR at end', base: 0, size: end ?? 0, value: end ?? 0, color: '#3040D6' },
  ];
  const data = Object.fromEntries(steps.map((step) => [step.key, step.value]));
  return (
    <Box
      data-testid="chart-mrr_waterfall"
      data-series={JSON.stringify(connected ? data : null)}
      bg="white"
      p="lg"
      style={{ borderRadius: 8, boxShadow: '0 1px 3px rgba(16,24,40,.1)', minWidth: 0 }}
    >
      <H4>MRR movements</H4>
      {!connected ? (
        <EmptyState testId="chart-mrr_waterfall-connect-stripe" title="Connect Stripe to see MRR movements">
          New, expansion, reactivation, contraction and churned MRR come from Stripe: set STRIPE_SECRET_KEY and
          STRIPE_WEBHOOK_SECRET, point a Stripe webhook at the metrics API, then run a Stripe sync and a backfill.
        </EmptyState>
      ) : (
        <ResponsiveContainer width="100%" height={240}>
          <BarChart data={steps} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#eaecf0" />
            <XAxis dataKey="label" tick={{ fontSize: 11 }} interval={0} />
            <YAxis tick={{ fontSize: 11 }} width={64} />
            <Tooltip
              formatter={(_v: number, _n: string, item: { payload?: { value: number } }) =>
                formatValue(item.payload?.value ?? null, 'currency', currency)
              }
            />
            <Bar dataKey="base" stackId="w" fill="transparent" isAnimationActive={false} />
            <Bar dataKey="size" stackId="w" isAnimationActive={false}>
              {steps.map((step) => (
                <Cell key={step.key} fill={step.color} />
              ))}
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      )}
    </Box>
  );
}
