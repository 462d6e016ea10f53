import React, { useEffect, useState } from 'react';
import { Box, H4, MessageBox, Text } from '@adminjs/design-system';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { apiGet } from './api';
import { COLORS } from './dashboard-spec';
import EmptyState from './empty-state';
import { formatTick, formatValue } from './format';
import { planRows, type PlanPoint } from './plan-stack';
import type { Query } from './use-dashboard-data';

interface Answer {
  series: { mrr: { date: string; value: number | null; complete?: boolean }[] };
  breakdowns: { plan: PlanPoint[] };
}

/**
 * MRR by plan at the end of each bucket (issue 17: GET timeseries with breakdown=plan, read from the revenue
 * ledger), drawn as stacked bars that add up to MRR. Loaded on its own, so the headline numbers do not wait for it.
 */
export default function MrrByPlanChart({ query, currency }: { query: Query; currency: string }) {
  const [answer, setAnswer] = useState<{ for: string; data: Answer } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const key = JSON.stringify(query);

  useEffect(() => {
    let current = true;
    apiGet<Answer>('timeseries', { ...query, metric: 'mrr', breakdown: 'plan' }).then(
      (data) => {
        if (!current) return;
        setAnswer({ for: key, data });
        setError(null);
      },
      (failure: Error) => current && setError(failure.message),
    );
    return () => {
      current = false;
    };
  }, [key]);

  const points = answer?.data.breakdowns.plan ?? [];
  const { plans, rows } = planRows(points);
  const empty = plans.length === 0;
  return (
    <Box
      className="em-card"
      data-testid="chart-mrr_by_plan"
      data-loaded={answer?.for ?? ''}
      data-plans={JSON.stringify(plans)}
      data-rows={JSON.stringify(rows)}
      p="lg"
      style={{ borderRadius: 8, boxShadow: '0 1px 3px rgba(16,24,40,.1)', minWidth: 0 }}
    >
      <H4>MRR by plan</H4>
      {error && <MessageBox variant="danger" message={error} />}
      {answer && empty ? (
        <EmptyState testId="chart-mrr_by_plan-empty" title="No paying plan in this range">
          MRR by plan comes from the Stripe subscriptions&apos; prices and manual revenue entries.
        </EmptyState>
      ) : (
        <ResponsiveContainer width="100%" height={260}>
          <BarChart data={rows} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke="#eaecf0" />
            <XAxis dataKey="date" tick={{ fontSize: 11 }} minTickGap={24} />
            <YAxis
              tick={{ fontSize: 11 }}
              width={60}
              tickFormatter={(value: number) => formatTick(value, 'currency', currency)}
            />
            <Tooltip formatter={(value: number, plan: string) => [formatValue(value, 'currency', currency), plan]} />
            <Legend />
            {plans.map((plan, index) => (
              <Bar
                key={plan}
                dataKey={plan}
                stackId="plans"
                fill={COLORS[index % COLORS.length]}
                isAnimationActive={false}
              />
            ))}
          </BarChart>
        </ResponsiveContainer>
      )}
      {!empty && (
        <Text fontSize="sm" className="em-muted">
          At the end of each {query.bucket === 'daily' ? 'day' : query.bucket === 'weekly' ? 'week' : 'month'}; the
          plans add up to MRR.
        </Text>
      )}
    </Box>
  );
}
