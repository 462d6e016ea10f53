import React, { useState } from 'react';
import {
  Box,
  Button,
  H4,
  MessageBox,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Text,
} from '@adminjs/design-system';
import type { ConventionsComparison } from '../../billing/conventions-compare.service';
import { apiGet } from './api';
import DateField from './date-field';
import { addDays, defaultEnd } from './dates';
import { formatValue } from './format';

const COLUMNS: [string, string, string][] = [
  ['mrr_at_start', 'MRR at start', 'currency'],
  ['mrr', 'MRR at end', 'currency'],
  ['mrr_expansion', 'Expansion', 'currency'],
  ['mrr_churn', 'Churn', 'currency'],
  ['mrr_reactivation', 'Reactivation', 'currency'],
  ['mrr_net_new', 'Net new', 'currency'],
  ['nrr', 'NRR', 'percent'],
  ['grr', 'GRR', 'percent'],
  ['quick_ratio', 'Quick ratio', 'ratio'],
  ['logo_churn_rate', 'Logo churn', 'percent'],
];

/**
 * GET revenue/conventions/compare as a table: one row per convention (the configured one first), the same range
 * and data, so a CFO sees what each vendor's convention would say before choosing. Nothing stored changes.
 */
export default function ConventionsCompareTable() {
  const [start, setStart] = useState(addDays(defaultEnd(), -89));
  const [end, setEnd] = useState(defaultEnd());
  const [answer, setAnswer] = useState<ConventionsComparison | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const compare = async () => {
    setBusy(true);
    setError(null);
    try {
      setAnswer(await apiGet<ConventionsComparison>('revenue/conventions/compare', { start, end }));
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Box className="em-card" p="xl" mb="lg" style={{ borderRadius: 8 }} data-testid="conventions-compare">
      <H4>The conventions side by side</H4>
      <Text color="grey60" mb="lg">
        The same data counted under each convention (one changed at a time from yours), for the range you pick.
      </Text>
      <Box flex flexDirection="row" flexWrap="wrap" style={{ gap: 16 }} alignItems="flex-end" mb="lg">
        <DateField id="compare-start" label="Start" value={start} onChange={setStart} />
        <DateField id="compare-end" label="End" value={end} onChange={setEnd} />
        <Button
          type="button"
          variant="outlined"
          data-testid="compare-submit"
          disabled={busy}
          onClick={() => void compare()}
        >
          Compare
        </Button>
      </Box>
      {error && <MessageBox variant="danger" message={error} />}
      {answer && (
        <Table data-testid="compare-table">
          <TableHead>
            <TableRow>
              <TableCell>Convention</TableCell>
              {COLUMNS.map(([key, label]) => (
                <TableCell key={key}>
                  {/* Over more than a calendar month a churn rate is the average monthly rate, as on the dashboard. */}
                  {answer.per[key as keyof typeof answer.per] ? `${label} (avg / month)` : label}
                </TableCell>
              ))}
            </TableRow>
          </TableHead>
          <TableBody>
            {answer.variants.map((variant) => (
              <TableRow key={variant.name} data-testid={`compare-row-${variant.name}`}>
                <TableCell>{variant.name === 'configured' ? 'Yours (configured)' : variant.name}</TableCell>
                {COLUMNS.map(([key, , unit]) => (
                  <TableCell key={key}>
                    {formatValue(variant.metrics[key as keyof typeof variant.metrics], unit)}
                  </TableCell>
                ))}
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </Box>
  );
}
