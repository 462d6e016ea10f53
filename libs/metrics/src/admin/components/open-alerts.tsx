import React, { useCallback, useEffect, useState } from 'react';
import { Badge, Box, Button, H4, MessageBox, Text } from '@adminjs/design-system';
import { apiGet, apiSend } from './api';

interface StoredAlert {
  id: string;
  metric: string;
  severity: 'warning' | 'critical';
  tenant: string | null;
  message: string;
  bucket_date: string;
  status: 'open' | 'acknowledged' | 'resolved';
  acknowledged_by: string | null;
}

/**
 * The alert history's active alerts (open or acknowledged) of the scope: in the global view every tenant's, each
 * with its tenant, severity and an acknowledge button that goes through the API (audited there).
 */
export default function OpenAlerts({ tenant }: { tenant: string | null }) {
  const [alerts, setAlerts] = useState<StoredAlert[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    apiGet<{ alerts: StoredAlert[] }>('alerts', { status: 'active', tenant, limit: 100 })
      .then((answer) => {
        setAlerts(answer.alerts);
        setError(null);
      })
      .catch((failure: Error) => setError(failure.message));
  }, [tenant]);
  useEffect(load, [load]);

  const acknowledge = (id: string) =>
    apiSend('POST', `alerts/${id}/acknowledge`)
      .then(load)
      .catch((failure: Error) => setError(failure.message));

  const open = (alerts ?? []).filter((alert) => alert.status === 'open');
  return (
    <Box
      data-testid="open-alerts"
      data-state={alerts === null ? 'loading' : 'ready'}
      data-count={String(open.length)}
      className="em-card"
      p="lg"
      style={{ borderRadius: 8, boxShadow: '0 1px 3px rgba(16,24,40,.1)' }}
    >
      <H4>
        Open alerts {tenant ? `of ${tenant}` : 'of every tenant'} ({open.length})
      </H4>
      {error && <MessageBox variant="danger" message={`Could not load the alerts: ${error}`} />}
      {alerts !== null && alerts.length === 0 && (
        <Text color="grey80" data-testid="open-alerts-none">
          No open alerts.
        </Text>
      )}
      {(alerts ?? []).map((alert) => (
        <Box
          key={alert.id}
          data-testid={`open-alert-${alert.id}`}
          data-tenant={alert.tenant ?? ''}
          data-severity={alert.severity}
          data-status={alert.status}
          flex
          flexDirection="row"
          flexWrap="wrap"
          alignItems="center"
          py="sm"
          style={{ gap: 8, borderTop: '1px solid var(--em-grid)' }}
        >
          <Badge variant={alert.severity === 'critical' ? 'danger' : 'secondary'} size="sm">
            {alert.severity}
          </Badge>
          <span
            data-testid={`open-alert-${alert.id}-tenant`}
            style={{
              border: '1px solid var(--em-muted)',
              borderRadius: 12,
              color: 'var(--em-text)',
              fontSize: 12,
              padding: '1px 8px',
            }}
          >
            {alert.tenant ?? 'all tenants'}
          </span>
          <Text style={{ flex: '1 1 240px', minWidth: 0 }}>
            {alert.message} ({alert.bucket_date})
          </Text>
          {alert.status === 'open' ? (
            <Button
              size="sm"
              variant="outlined"
              data-testid={`open-alert-${alert.id}-ack`}
              onClick={() => void acknowledge(alert.id)}
            >
              Acknowledge
            </Button>
          ) : (
            <Text fontSize="sm" color="grey80">
              Acknowledged by {alert.acknowledged_by}
            </Text>
          )}
        </Box>
      ))}
    </Box>
  );
}
