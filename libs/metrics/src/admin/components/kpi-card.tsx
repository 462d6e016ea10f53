import React from 'react';
import { Box, Text } from '@adminjs/design-system';
import { formatValue, kpiChange, type CatalogMetric, type Coverage } from './format';
import type { Better } from './dashboard-spec';

interface Props {
  metric: CatalogMetric | undefined;
  metricKey: string;
  value: number | null;
  previous: number | null;
  /** The previous period's days and days with snapshots: no comparison without 90% of them. */
  previousCoverage: Coverage | undefined;
  better: Better;
  currency: string;
  /** "month" when a churn rate is an average monthly rate (a range longer than a month). */
  per?: 'month' | 'range';
  /** A second number under the value (ARR under MRR). */
  note?: { testId: string; text: string };
  /** What to do when the value is null (e.g. "Connect Stripe"). */
  emptyHint?: string;
}

function changeText(change: ReturnType<typeof kpiChange>): string {
  if (change.reason === 'no-history') return 'not enough history to compare';
  if (change.value === null) return 'no previous data';
  const arrow = change.value > 0 ? '▲' : change.value < 0 ? '▼' : '■';
  const size = Math.abs(change.value);
  return `${arrow} ${change.value > 0 ? '+' : change.value < 0 ? '−' : ''}${size}${change.unit === 'pt' ? ' pt' : '%'} vs previous period`;
}

/** One headline number with its change against the previous period of the same length. */
export default function KpiCard(props: Props) {
  const { metric, metricKey, value, previous, better, currency, emptyHint, per, note } = props;
  const change = kpiChange(value, previous, metric?.unit, props.previousCoverage);
  const good = change.value === null || change.value === 0 ? null : change.value > 0 === (better === 'up');
  const color = good === null ? 'grey80' : good ? 'success' : 'error';
  return (
    <Box
      data-testid={`kpi-${metricKey}`}
      className="em-card"
      p="lg"
      style={{ borderRadius: 8, boxShadow: '0 1px 3px rgba(16,24,40,.1)', minWidth: 0 }}
      title={metric?.description}
    >
      <Text fontSize="sm" color="grey80" data-testid={`kpi-${metricKey}-label`}>
        {metric?.label ?? metricKey}
        {per === 'month' && <span data-testid={`kpi-${metricKey}-per-month`}> · avg per month</span>}
      </Text>
      <Text
        data-testid={`kpi-${metricKey}-value`}
        data-value={value === null ? 'null' : String(value)}
        fontSize="h3"
        fontWeight="bold"
        mt="sm"
      >
        {formatValue(value, metric?.unit, currency)}
      </Text>
      {note && (
        <Text fontSize="sm" color="grey80" data-testid={note.testId}>
          {note.text}
        </Text>
      )}
      {value === null && emptyHint ? (
        <Text fontSize="sm" color="grey80" data-testid={`kpi-${metricKey}-hint`}>
          {emptyHint}
        </Text>
      ) : (
        <Text
          fontSize="sm"
          color={color}
          data-testid={`kpi-${metricKey}-change`}
          data-value={change.value === null ? 'null' : String(change.value)}
          data-unit={change.unit}
          data-reason={change.reason ?? ''}
        >
          {changeText(change)}
        </Text>
      )}
    </Box>
  );
}
