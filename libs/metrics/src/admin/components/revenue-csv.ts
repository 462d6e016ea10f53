import { parse } from 'csv-parse/browser/esm/sync';

/** The columns a revenue CSV may have (the fields of POST revenue/entries); customer, mrr, effective_date are needed. */
export const REVENUE_CSV_COLUMNS = ['customer', 'tenant', 'mrr', 'currency', 'effective_date', 'note'] as const;

export interface CsvLineError {
  /** The line in the file (1 = the header). */
  line: number;
  field: string;
  message: string;
}

export interface ParsedRevenueCsv {
  entries: Record<string, string>[];
  /** entries[i] came from lines[i] of the file. */
  lines: number[];
  errors: CsvLineError[];
}

/**
 * Reads a finance team's spreadsheet export into batch entries: a header row naming the columns, one entry per
 * line, empty optional cells left out. Problems of the file itself (unknown columns, broken quoting) come back
 * per line; the values are checked by the server, whose errors name each entry's index (see lineOf).
 */
export function parseRevenueCsv(text: string): ParsedRevenueCsv {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, { columns: true, skip_empty_lines: true, trim: true, info: true, bom: true });
  } catch (failure) {
    const line = (failure as { lines?: number }).lines ?? 1;
    return { entries: [], lines: [], errors: [{ line, field: 'file', message: (failure as Error).message }] };
  }
  const header = records[0] ? Object.keys(records[0].record) : [];
  const unknown = header.filter((column) => !(REVENUE_CSV_COLUMNS as readonly string[]).includes(column));
  if (records.length === 0)
    return { entries: [], lines: [], errors: [{ line: 1, field: 'file', message: 'has no entries' }] };
  if (unknown.length > 0) {
    return {
      entries: [],
      lines: [],
      errors: unknown.map((column) => ({
        line: 1,
        field: column,
        message: `is not a column (use ${REVENUE_CSV_COLUMNS.join(', ')})`,
      })),
    };
  }
  const entries = records.map(({ record }) =>
    Object.fromEntries(Object.entries(record).filter(([, value]) => value !== '')),
  );
  return { entries, lines: records.map(({ info }) => info.lines), errors: [] };
}

/** The file line of a batch error's entry index. */
export function lineOf(parsed: ParsedRevenueCsv, index: number): number {
  return parsed.lines[index] ?? index + 2;
}
