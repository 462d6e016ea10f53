import React from 'react';
import { Box, Text } from '@adminjs/design-system';
import { formatValue, percentChange, type CatalogMetric } from './format';
import type { Better } from './dashboard-spec';

interface Props {
  metric: CatalogMetric | undefined;
  metricKey: string;
  value: number | null;
  previous: number | null;
  better: Better;
  currency: string;
  /** What to do when the value is null (e.g. "Connect Stripe"). */
  emptyHint?: string;
}

/** One headline number with its change against the previous period of the same length. */
export default function KpiCard({ metric, metricKey, value, previous, better, currency, emptyHint }: Props) {
  const change = percentChange(value, previous);
  const good = change === null || change === 0 ? null : change > 0 === (better === 'up');
  const color = good === null ? 'grey60' : good ? 'success' : 'error';
  return (
    <Box
      data-testid={`kpi-${metricKey}`}
      bg="white"
      p="lg"
      style={{ borderRadius: 8, boxShadow: '0 1px 3px rgba(16,24,40,.1)', minWidth: 0 }}
      title={metric?.description}
    >
      <Text fontSize="sm" color="grey60">
        {metric?.label ?? metricKey}
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
      {value === null && emptyHint ? (
        <Text fontSize="sm" color="grey60" data-testid={`kpi-${metricKey}-hint`}>
          {emptyHint}
        </Text>
      ) : (
        <Text
          fontSize="sm"
          color={color}
          data-testid={`kpi-${metricKey}-change`}
          data-value={change === null ? 'null' : String(change)}
        >
          {change === null
            ? 'no previous data'
            : `${change > 0 ? '▲' : change < 0 ? '▼' : '■'} ${Math.abs(change)}% vs previous period`}
        </Text>
      )}
    </Box>
  );
}
