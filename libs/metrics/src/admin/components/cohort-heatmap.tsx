import React from 'react';
import { Box, H4, Text } from '@adminjs/design-system';
import EmptyState from './empty-state';

export interface CohortRow {
  cohort_month: string;
  cohort_size: number;
  curve: { week: number; retained: number | null; pct: number | null }[];
}

/** Retention as a grid: one row per signup month, one column per week, darker = more retained. */
export default function CohortHeatmap({ cohorts }: { cohorts: CohortRow[] }) {
  const weeks = [...new Set(cohorts.flatMap((cohort) => cohort.curve.map((point) => point.week)))].sort(
    (a, b) => a - b,
  );
  const cell = (pct: number | null) =>
    pct === null ? '#f2f4f7' : `rgba(48, 64, 214, ${Math.max(0.08, Math.min(1, pct / 100)).toFixed(2)})`;
  return (
    <Box
      data-testid="cohort-heatmap"
      bg="white"
      p="lg"
      style={{ borderRadius: 8, boxShadow: '0 1px 3px rgba(16,24,40,.1)', overflowX: 'auto' }}
    >
      <H4>Cohort retention (weekly, % of each signup month)</H4>
      {cohorts.length === 0 ? (
        <EmptyState testId="cohort-heatmap-empty" title="No cohorts yet">
          Cohorts are computed on the 1st of each month and by every backfill: record signups and activity, then run a
          backfill that covers a full month.
        </EmptyState>
      ) : (
        <table style={{ borderCollapse: 'collapse', fontSize: 12 }}>
          <thead>
            <tr>
              <th style={{ textAlign: 'left', padding: 4 }}>Cohort</th>
              <th style={{ padding: 4 }}>Users</th>
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
                <td style={{ padding: 4, whiteSpace: 'nowrap' }}>{cohort.cohort_month.slice(0, 7)}</td>
                <td style={{ padding: 4, textAlign: 'right' }}>{cohort.cohort_size}</td>
                {weeks.map((week) => {
                  const point = cohort.curve.find((candidate) => candidate.week === week);
                  const pct = point?.pct ?? null;
                  return (
                    <td
                      key={week}
                      data-testid={`cohort-${cohort.cohort_month.slice(0, 7)}-w${week}`}
                      data-value={String(pct)}
                      title={
                        point?.retained === null || point === undefined ? 'not matured yet' : `${point.retained} users`
                      }
                      style={{
                        padding: 4,
                        minWidth: 36,
                        textAlign: 'center',
                        background: cell(pct),
                        color: (pct ?? 0) > 50 ? 'white' : '#101828',
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
      )}
      <Text fontSize="sm" color="grey60">
        Empty cells: the week has not ended yet.
      </Text>
    </Box>
  );
}
