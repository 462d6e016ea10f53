import React from 'react';
import { Box, H4 } from '@adminjs/design-system';
import { Bar, BarChart, CartesianGrid, Cell, LabelList, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { GAIN, LOSS } from './dashboard-spec';
import EmptyState from './empty-state';
import { formatTick, formatValue, type CatalogMetric } from './format';
import { waterfallSteps } from './waterfall-steps';

interface Props {
  /** Range values from the summary: MRR at the end (a stock) and each movement summed over the range (flows). */
  metrics: Record<string, number | null>;
  catalog: Record<string, CatalogMetric>;
  currency: string;
}

/** The MRR waterfall of the range (steps from waterfallSteps), or a "connect Stripe" state without billing. */
export default function MrrWaterfall({ metrics, catalog, currency }: Props) {
  const computed = waterfallSteps(metrics);
  const label = (key: string) =>
    key === 'start' ? 'MRR at start' : key === 'end' ? 'MRR at end' : (catalog[key]?.label ?? key);
  const color = (key: string, value: number) =>
    key === 'start' ? '#667085' : key === 'end' ? '#3040D6' : value >= 0 ? GAIN : LOSS;
  const steps = (computed ?? []).map((step) => ({
    ...step,
    label: label(step.key),
    color: color(step.key, step.value),
  }));
  const connected = computed !== null;
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
        // Horizontal bars: the step names stay readable on a phone, each bar carries its signed amount.
        <ResponsiveContainer width="100%" height={300}>
          <BarChart data={steps} layout="vertical" margin={{ top: 8, right: 72, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#eaecf0" horizontal={false} />
            <XAxis
              type="number"
              tick={{ fontSize: 11 }}
              tickFormatter={(value: number) => formatTick(value, 'currency', currency)}
            />
            <YAxis type="category" dataKey="label" tick={{ fontSize: 11 }} width={112} interval={0} />
            <Tooltip
              cursor={{ fill: '#f2f4f7' }}
              content={({ payload }) => {
                const step = payload?.[0]?.payload as (typeof steps)[number] | undefined;
                return step ? (
                  <Box bg="white" p="sm" style={{ border: '1px solid #d0d5dd', borderRadius: 4 }}>
                    {step.label}: {formatValue(step.value, 'currency', currency)}
                  </Box>
                ) : null;
              }}
            />
            <Bar dataKey="base" stackId="w" fill="transparent" isAnimationActive={false} />
            <Bar dataKey="size" stackId="w" isAnimationActive={false}>
              {steps.map((step) => (
                <Cell key={step.key} fill={step.color} />
              ))}
              <LabelList
                dataKey="value"
                position="right"
                fontSize={11}
                fill="#344054"
                formatter={(value: number) => formatValue(value, 'currency', currency)}
              />
            </Bar>
          </BarChart>
        </ResponsiveContainer>
      )}
    </Box>
  );
}
