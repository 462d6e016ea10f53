import React, { useState } from 'react';
import { Box, Button, H4, Loader, MessageBox, Text } from '@adminjs/design-system';
import type { StripeSyncResult as SyncResult } from '../../billing/stripe-sync.service';
import { apiSend } from './api';

const FIGURES: [keyof SyncResult, string][] = [
  ['customers', 'Customers read'],
  ['subscriptions', 'Subscriptions read'],
  ['open_invoices', 'Open invoices read'],
  ['rebuilt_subscriptions', 'Histories rebuilt'],
  ['reconciled', 'Corrected'],
  ['retries', 'Retries (429 / network)'],
];

/**
 * "Stripe sync": POST stripe/sync (admin-only and audited like the API) pages through Stripe and reconciles the
 * ledger. The call answers when it is done, so the card shows a spinner until then and the counts after.
 */
export default function StripeSyncCard() {
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<SyncResult | null>(null);
  const [error, setError] = useState<string | null>(null);

  const sync = async () => {
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await apiSend<SyncResult>('POST', 'stripe/sync'));
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Box className="em-card" p="xl" mb="lg" style={{ borderRadius: 8 }} data-testid="stripe-sync">
      <H4>Stripe sync</H4>
      <Text color="grey80" mb="lg">
        Reads every customer, subscription and open invoice from Stripe and corrects what webhooks stored: a fresh
        install gets its subscription history rebuilt. Days whose revenue changed are recomputed by the next scheduled
        run (or a backfill above).
      </Text>
      <Button
        type="button"
        variant="outlined"
        data-testid="stripe-sync-submit"
        disabled={busy}
        onClick={() => void sync()}
      >
        Sync with Stripe now
      </Button>
      {busy && (
        <Box data-testid="stripe-sync-busy" mt="lg">
          <Loader />
          <Text color="grey80">Paging through Stripe…</Text>
        </Box>
      )}
      {error && (
        <Box data-testid="stripe-sync-error" mt="lg">
          <MessageBox variant="danger" message={error} />
        </Box>
      )}
      {result && (
        <Box data-testid="stripe-sync-result" mt="lg" flex flexDirection="row" flexWrap="wrap" style={{ gap: 24 }}>
          {FIGURES.map(([key, label]) => (
            <Box key={key}>
              <Text color="grey80">{label}</Text>
              <Text fontSize="xl" data-testid={`stripe-sync-${key}`}>
                {result[key]}
              </Text>
            </Box>
          ))}
        </Box>
      )}
    </Box>
  );
}
