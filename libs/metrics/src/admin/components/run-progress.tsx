import React, { useEffect, useState } from 'react';
import { Box, MessageBox, Text } from '@adminjs/design-system';
import { apiGet } from './api';

export interface RunView {
  run_id: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  done: number;
  total: number;
  error?: string | null;
}

/** Follows a run (GET runs/:id once a second) until it has succeeded or failed. */
export default function RunProgress({ runId, onFinished }: { runId: string; onFinished?: (run: RunView) => void }) {
  const [run, setRun] = useState<RunView | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = () => {
      apiGet<RunView>(`runs/${runId}`)
        .then((state) => {
          if (stopped) return;
          setRun(state);
          if (state.status === 'succeeded' || state.status === 'failed') onFinished?.(state);
          else timer = setTimeout(poll, 1000);
        })
        .catch((failure: Error) => !stopped && setError(failure.message));
    };
    poll();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, [runId]);

  if (error) return <MessageBox variant="danger" message={error} />;
  const pct = run && run.total > 0 ? Math.round((run.done / run.total) * 100) : 0;
  return (
    <Box data-testid="run-progress" data-run-id={runId} data-status={run?.status ?? 'queued'} mt="lg">
      <Text>
        Run <code>{runId}</code>: <strong data-testid="run-status">{run?.status ?? 'queued'}</strong> —{' '}
        <span data-testid="run-done">{run?.done ?? 0}</span> / <span data-testid="run-total">{run?.total ?? '?'}</span>{' '}
        days
      </Text>
      <Box mt="sm" style={{ height: 8, background: '#eaecf0', borderRadius: 4 }}>
        <Box
          style={{
            height: 8,
            width: `${pct}%`,
            background: run?.status === 'failed' ? '#F04438' : '#12B76A',
            borderRadius: 4,
          }}
        />
      </Box>
      {run?.status === 'failed' && (
        <Box data-testid="run-error" mt="sm">
          <MessageBox variant="danger" message={run.error ?? 'The run failed'} />
        </Box>
      )}
    </Box>
  );
}
