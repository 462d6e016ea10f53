// MRR by plan as chart rows (mrr-by-plan-chart.tsx), plain TypeScript so jest runs it.

export interface PlanPoint {
  date: string;
  value: Record<string, number> | null;
}

export const OTHER_PLANS = 'Other plans';

/**
 * One row per bucket with a column per plan. Beyond `most` plans the smallest (by MRR summed over the range) are
 * added up as "Other plans", so the stack stays readable and still adds up to MRR.
 */
export function planRows(points: PlanPoint[], most = 6): { plans: string[]; rows: Record<string, number | string>[] } {
  const totals = new Map<string, number>();
  for (const point of points)
    for (const [plan, mrr] of Object.entries(point.value ?? {})) totals.set(plan, (totals.get(plan) ?? 0) + mrr);
  const ranked = [...totals.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([plan]) => plan);
  const kept = ranked.length > most ? ranked.slice(0, most - 1) : ranked;
  const plans = ranked.length > kept.length ? [...kept, OTHER_PLANS] : kept;
  const rows = points.map((point) => {
    const row: Record<string, number | string> = { date: point.date };
    for (const plan of plans) row[plan] = 0;
    for (const [plan, mrr] of Object.entries(point.value ?? {})) {
      const column = kept.includes(plan) ? plan : OTHER_PLANS;
      row[column] = Math.round(((row[column] as number) + mrr) * 100) / 100;
    }
    return row;
  });
  return { plans, rows };
}
