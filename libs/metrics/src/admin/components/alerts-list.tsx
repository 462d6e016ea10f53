import React from 'react';
import { Box, H4, MessageBox } from '@adminjs/design-system';

export interface Alert {
  metric: string;
  value: number;
  threshold: number;
  severity: 'warning' | 'critical';
  bucket_date: string;
  tenant: string | null;
  message: string;
}

/** The alerts of the latest snapshot (summary.alerts), worst first. */
export default function AlertsList({ alerts }: { alerts: Alert[] }) {
  const sorted = [...alerts].sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'critical' ? -1 : 1));
  return (
    <Box
      data-testid="alerts"
      data-count={String(alerts.length)}
      className="em-card"
      p="lg"
      style={{ borderRadius: 8, boxShadow: '0 1px 3px rgba(16,24,40,.1)' }}
    >
      <H4>Thresholds on the range's latest snapshot</H4>
      {sorted.length === 0 ? (
        <Box data-testid="alerts-none">
          <MessageBox variant="success" message="Every threshold is respected on this snapshot." />
        </Box>
      ) : (
        sorted.map((alert, index) => (
          <Box
            key={`${alert.metric}-${index}`}
            data-testid={`alert-${alert.metric}`}
            data-severity={alert.severity}
            mb="sm"
          >
            <MessageBox
              variant={alert.severity === 'critical' ? 'danger' : 'warning'}
              message={`${alert.severity.toUpperCase()}: ${alert.message} (threshold ${alert.threshold}, ${alert.bucket_date})`}
            />
          </Box>
        ))
      )}
    </Box>
  );
}
