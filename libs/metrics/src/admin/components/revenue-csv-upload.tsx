import React, { useState } from 'react';
import { Box, H4, MessageBox, Text } from '@adminjs/design-system';
import { ApiError, apiSend } from './api';
import { lineOf, parseRevenueCsv, REVENUE_CSV_COLUMNS, type CsvLineError } from './revenue-csv';

/**
 * Manual revenue from a spreadsheet: the file is read in the browser, sent as one POST revenue/entries/batch
 * (all or nothing), and every problem is shown by its line before anything is stored.
 */
export default function RevenueCsvUpload({ onStored }: { onStored?: () => void }) {
  const [errors, setErrors] = useState<CsvLineError[]>([]);
  const [stored, setStored] = useState<{ accepted: number; customers: number } | null>(null);
  const [busy, setBusy] = useState(false);

  const upload = async (file: File) => {
    setBusy(true);
    setErrors([]);
    setStored(null);
    const parsed = parseRevenueCsv(await file.text());
    try {
      if (parsed.errors.length > 0) return setErrors(parsed.errors);
      setStored(await apiSend('POST', 'revenue/entries/batch', { entries: parsed.entries }));
      onStored?.();
    } catch (failure) {
      const rows =
        failure instanceof ApiError
          ? (failure.fields as unknown as { index?: number; field: string; message: string }[])
          : [];
      setErrors(
        rows.length > 0
          ? rows.map((row) => ({
              line: row.index === undefined ? 1 : lineOf(parsed, row.index),
              field: row.field,
              message: row.message,
            }))
          : [{ line: 1, field: 'file', message: (failure as Error).message }],
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <Box className="em-card" p="xl" mb="lg" style={{ borderRadius: 8 }} data-testid="revenue-csv">
      <H4>Import manual revenue (CSV)</H4>
      <Text color="grey60" mb="lg">
        A header row with the columns {REVENUE_CSV_COLUMNS.join(', ')} (customer, mrr and effective_date needed), one
        customer&apos;s MRR from a day on per line, up to 10,000 lines. Nothing is stored unless every line is valid.
      </Text>
      <input
        type="file"
        aria-label="CSV file of manual revenue"
        accept=".csv,text/csv"
        data-testid="revenue-csv-file"
        disabled={busy}
        onChange={(event) => {
          const file = event.target.files?.[0];
          if (file) void upload(file);
          event.target.value = '';
        }}
      />
      {stored && (
        <Box mt="lg" data-testid="revenue-csv-stored">
          <MessageBox
            variant="success"
            message={`Stored ${stored.accepted} entries for ${stored.customers} customers`}
          />
        </Box>
      )}
      {errors.length > 0 && (
        <Box mt="lg" data-testid="revenue-csv-errors">
          <MessageBox variant="danger" message={`${errors.length} problem(s); nothing was stored`} />
          <ul>
            {errors.map((error, index) => (
              <li key={index} data-testid="revenue-csv-error">
                Line {error.line}, {error.field}: {error.message}
              </li>
            ))}
          </ul>
        </Box>
      )}
    </Box>
  );
}
