import React, { useState } from 'react';
import { Box, Button, H2, H4, MessageBox, Text } from '@adminjs/design-system';
import { apiSend } from './api';
import DateField from './date-field';
import { addDays, defaultEnd } from './dates';
import RecentRuns from './recent-runs';
import RunProgress from './run-progress';
import StripeSyncCard from './stripe-sync-card';
import TenantPicker from './tenant-picker';

/**
 * Manual runs: a backfill of any range (optionally one tenant) and "compute now" (yesterday and today). Both go
 * through POST backfill, so they are validated, admin-only and audited like the API; progress comes from GET runs/:id.
 * Below them, the Stripe sync.
 */
export default function RunsPage() {
  const [start, setStart] = useState(addDays(defaultEnd(), -29));
  const [end, setEnd] = useState(defaultEnd());
  const [tenant, setTenant] = useState<string | null>(null);
  const [runId, setRunId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [finished, setFinished] = useState(0);

  const startRun = async (body: { start: string; end: string; tenant?: string }) => {
    setBusy(true);
    setError(null);
    setRunId(null);
    try {
      const answer = await apiSend<{ run_id: string }>('POST', 'backfill', body);
      setRunId(answer.run_id);
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const today = addDays(defaultEnd(), 1);
  return (
    <Box p="xl" data-testid="runs-page">
      <H2>Backfill &amp; compute</H2>
      <Box className="em-card" p="xl" mb="lg" style={{ borderRadius: 8 }}>
        <H4>Backfill a range</H4>
        <Text color="grey80" mb="lg">
          Recomputes daily snapshots for every day from start to end (both included), the weeks and months they touch,
          and the cohorts. Without a tenant: global and every tenant.
        </Text>
        <form
          data-testid="backfill-form"
          onSubmit={(event) => {
            event.preventDefault();
            void startRun({ start, end, ...(tenant ? { tenant } : {}) });
          }}
        >
          <Box flex flexDirection="row" flexWrap="wrap" style={{ gap: 16 }} alignItems="flex-end">
            <DateField id="backfill-start" label="Start" value={start} onChange={setStart} />
            <DateField id="backfill-end" label="End" value={end} onChange={setEnd} />
            <TenantPicker value={tenant} onChange={setTenant} />
            <Button type="submit" variant="contained" data-testid="backfill-submit" disabled={busy}>
              Start backfill
            </Button>
            <Button
              type="button"
              variant="outlined"
              data-testid="compute-now"
              disabled={busy}
              onClick={() => void startRun({ start: addDays(today, -1), end: today })}
            >
              Compute now (yesterday and today)
            </Button>
          </Box>
        </form>
        {error && (
          <Box data-testid="backfill-error" mt="lg">
            <MessageBox variant="danger" message={error} />
          </Box>
        )}
        {runId && <RunProgress key={runId} runId={runId} onFinished={() => setFinished((count) => count + 1)} />}
      </Box>
      <StripeSyncCard />
      <RecentRuns refreshKey={finished} />
    </Box>
  );
}
