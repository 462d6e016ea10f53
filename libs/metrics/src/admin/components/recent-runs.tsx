import React, { useEffect, useState } from 'react';
import { Box, H4, Text } from '@adminjs/design-system';
import { apiGet } from './api';

interface RunRow {
  run_id: string;
  status: string;
  trigger?: string;
  start?: string;
  end?: string;
  tenant?: string | null;
  done: number;
  total: number;
  error?: string | null;
}

/** The latest runs (GET runs), reloaded whenever a run started here finishes. */
export default function RecentRuns({ refreshKey }: { refreshKey: number }) {
  const [runs, setRuns] = useState<RunRow[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    apiGet<RunRow[]>('runs')
      .then((rows) => setRuns(rows.slice(0, 10)))
      .catch((failure: Error) => setError(failure.message));
  }, [refreshKey]);
  return (
    <Box className="em-card" p="xl" style={{ borderRadius: 8 }} data-testid="recent-runs">
      <H4>Latest runs</H4>
      {error && <Text color="error">{error}</Text>}
      {runs?.length === 0 && <Text color="grey80">No runs yet: start a backfill above.</Text>}
      {runs && runs.length > 0 && (
        <table style={{ fontSize: 13, borderCollapse: 'collapse', width: '100%' }}>
          <thead>
            <tr>
              {['Run', 'Trigger', 'Range', 'Tenant', 'Status', 'Days'].map((title) => (
                <th key={title} style={{ textAlign: 'left', padding: 4 }}>
                  {title}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {runs.map((run) => (
              <tr key={run.run_id}>
                <td style={{ padding: 4 }}>
                  <code>{run.run_id.slice(0, 8)}</code>
                </td>
                <td style={{ padding: 4 }}>{run.trigger ?? ''}</td>
                <td style={{ padding: 4 }}>
                  {run.start} → {run.end}
                </td>
                <td style={{ padding: 4 }}>{run.tenant ?? 'all'}</td>
                <td style={{ padding: 4 }} title={run.error ?? undefined}>
                  {run.status}
                </td>
                <td style={{ padding: 4 }}>
                  {run.done}/{run.total}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Box>
  );
}
