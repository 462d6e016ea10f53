import React, { useEffect, useState } from 'react';
import { Box, H4, Loader, MessageBox, Text } from '@adminjs/design-system';
import { apiGet } from './api';
import EmptyState from './empty-state';

export interface CohortRow {
  cohort_month: string;
  cohort_size: number;
  curve: { week: number; retained: number | null; pct: number | null }[];
}

/** The first two columns stay in place while the weeks scroll under them. */
const STICKY_FIRST: React.CSSProperties = {
  position: 'sticky',
  left: 0,
  zIndex: 1,
  background: 'var(--em-surface)',
  padding: 4,
  minWidth: 72,
  boxSizing: 'border-box',
  whiteSpace: 'nowrap',
};
const STICKY_SECOND: React.CSSProperties = { ...STICKY_FIRST, left: 72, minWidth: 40 };

/** How many of the newest signup months the heatmap shows. */
const MONTHS = 12;

interface Props {
  tenant: string | null;
  /** The dashboard load this follows: a new load (filters, refresh) reads the cohorts again. */
  loadNumber: number;
  /** That load was the auto-refresh timer (the audit trail records a view once). */
  autoRefresh: boolean;
}

/**
 * Retention as a grid: one row per signup month, one column per week, darker = more retained. Below the first
 * screen, so it reads GET cohorts itself once the dashboard's first view is shown, never ahead of it.
 */
export default function CohortHeatmap({ tenant, loadNumber, autoRefresh }: Props) {
  const [answer, setAnswer] = useState<{ for: string; cohorts: CohortRow[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const key = String(tenant);
  useEffect(() => {
    let current = true;
    apiGet<{ cohorts: CohortRow[] }>('cohorts', { tenant, months: MONTHS }, { autoRefresh }).then(
      (data) => {
        if (!current) return;
        setAnswer({ for: key, cohorts: data.cohorts });
        setError(null);
      },
      (failure: Error) => current && setError(failure.message),
    );
    return () => {
      current = false;
    };
  }, [key, loadNumber]);
  const cohorts = answer?.cohorts ?? [];
  const weeks = [...new Set(cohorts.flatMap((cohort) => cohort.curve.map((point) => point.week)))].sort(
    (a, b) => a - b,
  );
  // Darker = more retained, in two bands so every number stays readable (WCAG AA contrast): pale cells with dark
  // text up to 60 %, dark cells with white text above.
  const cell = (pct: number | null) =>
    pct === null
      ? '#f2f4f7'
      : `rgba(48, 64, 214, ${(pct < 60 ? 0.06 + (pct / 60) * 0.32 : 0.85 + ((pct - 60) / 40) * 0.15).toFixed(2)})`;
  return (
    <Box
      data-testid="cohort-heatmap"
      data-loaded={answer?.for ?? ''}
      className="em-card"
      p="lg"
      style={{ borderRadius: 8, boxShadow: '0 1px 3px rgba(16,24,40,.1)', minWidth: 0 }}
    >
      <H4>Cohort retention (weekly, % of each signup month)</H4>
      {error && <MessageBox variant="danger" message={`Could not load the cohorts: ${error}`} />}
      {answer === null ? (
        !error && <Loader />
      ) : cohorts.length === 0 ? (
        <EmptyState testId="cohort-heatmap-empty" title="No cohorts yet">
          Cohorts are computed on the 1st of each month and by every backfill: record signups and activity, then run a
          backfill that covers a full month.
        </EmptyState>
      ) : (
        // Scrolls sideways within the card (26 weeks do not fit a phone), the cohort and its size stay in view.
        <div
          data-testid="cohort-scroller"
          tabIndex={0}
          aria-label="Cohort retention table, scrolls sideways"
          style={{ overflowX: 'auto', maxWidth: '100%' }}
        >
          <table style={{ borderCollapse: 'separate', borderSpacing: 0, fontSize: 12 }}>
            <thead>
              <tr>
                <th style={{ ...STICKY_FIRST, textAlign: 'left' }}>Cohort</th>
                <th style={STICKY_SECOND}>Users</th>
                {weeks.map((week) => (
                  <th key={week} style={{ padding: 4 }}>
                    W{week}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {cohorts.map((cohort) => (
                <tr key={cohort.cohort_month}>
                  <td style={STICKY_FIRST}>{cohort.cohort_month.slice(0, 7)}</td>
                  <td style={{ ...STICKY_SECOND, textAlign: 'right' }}>{cohort.cohort_size}</td>
                  {weeks.map((week) => {
                    const point = cohort.curve.find((candidate) => candidate.week === week);
                    const pct = point?.pct ?? null;
                    return (
                      <td
                        key={week}
                        data-testid={`cohort-${cohort.cohort_month.slice(0, 7)}-w${week}`}
                        data-value={String(pct)}
                        title={
                          point?.retained === null || point === undefined
                            ? 'not matured yet'
                            : `${point.retained} users`
                        }
                        style={{
                          padding: 4,
                          minWidth: 36,
                          textAlign: 'center',
                          background: cell(pct),
                          // Pale cells take the theme's text colour: dark on white, light on the dark surface.
                          color: (pct ?? 0) >= 60 ? 'white' : 'var(--em-text)',
                        }}
                      >
                        {pct === null ? '' : `${Math.round(pct)}`}
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Text fontSize="sm" color="grey80">
        Empty cells: the week has not ended yet.
      </Text>
    </Box>
  );
}
