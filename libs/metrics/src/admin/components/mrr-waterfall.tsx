import React from 'react';
import { Box, H4, Text } from '@adminjs/design-system';
import { ViewHelpers } from 'adminjs';
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
  /** The dashboard's filters: each movement's bar links to the customers behind it over the same range. */
  range: { start: string; end: string; tenant: string | null };
}

/** The customer list (Revenue page) filtered to one movement of the range: GET revenue/movements behind it. */
export function movementListUrl(key: string, range: Props['range']): string {
  const params = new URLSearchParams({ movement: key.replace(/^mrr_/, ''), start: range.start, end: range.end });
  if (range.tenant) params.set('tenant', range.tenant);
  return `${new ViewHelpers().pageUrl('Revenue')}?${params.toString()}#movement-customers`;
}

/** The MRR waterfall of the range (steps from waterfallSteps), or a "connect Stripe" state without billing. */
export default function MrrWaterfall({ metrics, catalog, currency, range }: Props) {
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
  const movements = steps.filter((step) => step.key !== 'start' && step.key !== 'end');
  const open = (key: string) => {
    if (key !== 'start' && key !== 'end') window.location.assign(movementListUrl(key, range));
  };
  return (
    <Box
      data-testid="chart-mrr_waterfall"
      data-series={JSON.stringify(connected ? data : null)}
      className="em-card"
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
                  <Box className="em-card" p="sm" style={{ border: '1px solid #d0d5dd', borderRadius: 4 }}>
                    {step.label}: {formatValue(step.value, 'currency', currency)}
                  </Box>
                ) : null;
              }}
            />
            <Bar dataKey="base" stackId="w" fill="transparent" isAnimationActive={false} />
            <Bar dataKey="size" stackId="w" isAnimationActive={false}>
              {steps.map((step) => (
                <Cell
                  key={step.key}
                  fill={step.color}
                  cursor={step.key === 'start' || step.key === 'end' ? undefined : 'pointer'}
                  onClick={() => open(step.key)}
                />
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
      {connected && (
        // The same links for the keyboard and screen readers (a bar of an SVG chart is neither focusable nor named).
        <Text fontSize="sm" className="em-muted" data-testid="waterfall-links">
          Customers behind each bar:{' '}
          {movements.map((step, index) => (
            <React.Fragment key={step.key}>
              {index > 0 && ' · '}
              <a href={movementListUrl(step.key, range)} data-testid={`waterfall-link-${step.key}`}>
                {step.label}
              </a>
            </React.Fragment>
          ))}
        </Text>
      )}
    </Box>
  );
}
