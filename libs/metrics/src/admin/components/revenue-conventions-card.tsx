import React, { useEffect, useState } from 'react';
import { Box, Button, H4, Label, MessageBox, Text } from '@adminjs/design-system';
import { apiGet, apiSend } from './api';
import { DISCOUNTS, PAST_DUE, QUICK } from './revenue-conventions-text';
import RunProgress from './run-progress';

interface Conventions {
  mrr_discounts: string;
  past_due_churn_after_days: number | null;
  quick_ratio_includes_reactivation: boolean;
}

/** A plain select (testable, keyboard friendly); a value outside the list (a number of days set by API) is kept. */
function Choice(props: {
  id: string;
  label: string;
  options: { value: string; label: string }[];
  value: string;
  onChange: (value: string) => void;
}) {
  const options = props.options.some((option) => option.value === props.value)
    ? props.options
    : [...props.options, { value: props.value, label: `After ${props.value} days past due` }];
  return (
    <Box>
      <Label htmlFor={props.id}>{props.label}</Label>
      <select
        id={props.id}
        data-testid={props.id}
        value={props.value}
        style={{ padding: 8, width: '100%', maxWidth: 720 }}
        onChange={(event) => props.onChange(event.target.value)}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </Box>
  );
}

/**
 * The revenue conventions with an explanation of each choice. Saving PATCHes only these three fields (audited like
 * any change); the ledger is rebuilt at once and history recomputes as a run, whose progress is shown.
 */
export default function RevenueConventionsCard({ onSaved }: { onSaved?: () => void }) {
  const [form, setForm] = useState<Conventions | null>(null);
  const [runId, setRunId] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    apiGet<Conventions>('config').then(setForm, (failure: Error) => setError(failure.message));
  }, []);

  const save = async () => {
    if (!form) return;
    setBusy(true);
    setError(null);
    try {
      const answer = await apiSend<{ revenue_recompute_run_id?: string | null }>('PATCH', 'config', {
        mrr_discounts: form.mrr_discounts,
        past_due_churn_after_days: form.past_due_churn_after_days,
        quick_ratio_includes_reactivation: form.quick_ratio_includes_reactivation,
      });
      setRunId(answer.revenue_recompute_run_id ?? null);
      onSaved?.();
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Box className="em-card" p="xl" mb="lg" style={{ borderRadius: 8 }} data-testid="revenue-conventions">
      <H4>Revenue conventions</H4>
      <Text color="grey60" mb="lg">
        Finance tools count revenue differently. Choose the conventions your finance team expects; the table below shows
        what each would say about your data before you choose. Saving rebuilds the revenue ledger from the stored
        subscriptions (no Stripe call) and recomputes the history.
      </Text>
      {form && (
        <Box flex flexDirection="column" style={{ gap: 12 }}>
          <Choice
            id="convention-mrr-discounts"
            label="Which discounts reduce MRR"
            options={DISCOUNTS}
            value={form.mrr_discounts}
            onChange={(value) => setForm({ ...form, mrr_discounts: value })}
          />
          <Choice
            id="convention-past-due"
            label="When a past-due subscription churns"
            options={PAST_DUE}
            value={String(form.past_due_churn_after_days ?? '')}
            onChange={(value) => setForm({ ...form, past_due_churn_after_days: value ? Number(value) : null })}
          />
          <Choice
            id="convention-quick-ratio"
            label="Quick ratio"
            options={QUICK}
            value={String(form.quick_ratio_includes_reactivation)}
            onChange={(value) => setForm({ ...form, quick_ratio_includes_reactivation: value === 'true' })}
          />
          <Box>
            <Button
              type="button"
              variant="contained"
              data-testid="conventions-save"
              disabled={busy}
              onClick={() => void save()}
            >
              Save conventions
            </Button>
          </Box>
        </Box>
      )}
      {error && (
        <Box data-testid="conventions-error" mt="lg">
          <MessageBox variant="danger" message={error} />
        </Box>
      )}
      {runId && <RunProgress key={runId} runId={runId} />}
    </Box>
  );
}
