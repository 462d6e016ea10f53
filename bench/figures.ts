/** One line of the bench's table: a measured ratio, the goal it is held to, and whether it is met. */
export interface Figure {
  figure: string;
  ours: string;
  baseline: string;
  ratio: number;
  goal: string;
  met: boolean | null;
}

const round = (value: number) => (Math.abs(value) >= 100 ? Math.round(value) : Number(value.toPrecision(3)));

export function atMost(figure: string, ours: string, baseline: string, ratio: number, limit: number): Figure {
  return { figure, ours, baseline, ratio: round(ratio), goal: `≤ ${limit}`, met: ratio <= limit };
}

export function atLeast(figure: string, ours: string, baseline: string, ratio: number, limit: number): Figure {
  return { figure, ours, baseline, ratio: round(ratio), goal: `≥ ${limit}`, met: ratio >= limit };
}

export function below(figure: string, ours: string, baseline: string, ratio: number, limit: number): Figure {
  return { figure, ours, baseline, ratio: round(ratio), goal: `< ${limit}`, met: ratio < limit };
}

export const seconds = (value: number) => `${value.toFixed(value < 10 ? 2 : 1)} s`;
export const ms = (value: number) => `${value.toFixed(1)} ms`;
export const perSecond = (value: number, unit: string) => `${Math.round(value).toLocaleString('en')} ${unit}/s`;

/** The table as fixed-width text (console.table's quoting makes it hard to paste into docs). */
export function formatFigures(figures: Figure[]): string {
  const header = ['figure', 'ours', 'baseline', 'ratio', 'goal', 'met'];
  const rows = figures.map((f) => [
    f.figure,
    f.ours,
    f.baseline,
    String(f.ratio),
    f.goal,
    f.met === null ? '—' : f.met ? 'yes' : 'NO',
  ]);
  const widths = header.map((_, column) => Math.max(...[header, ...rows].map((row) => row[column].length)));
  const line = (row: string[]) => `| ${row.map((cell, column) => cell.padEnd(widths[column])).join(' | ')} |`;
  return [line(header), `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}
