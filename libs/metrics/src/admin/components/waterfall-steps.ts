import { MRR_MOVEMENTS } from './dashboard-spec';

export interface WaterfallStep {
  key: string;
  /** Where the floating bar starts and how tall it is. */
  base: number;
  size: number;
  /** The signed amount the step stands for. */
  value: number;
}

/**
 * MRR at the start of the range, each movement as a floating bar, MRR at the end. The start is the end minus the
 * net of the movements, so the steps always land on the reported MRR. Null when billing has no numbers at all.
 */
export function waterfallSteps(metrics: Record<string, number | null | undefined>): WaterfallStep[] | null {
  const end = metrics.mrr ?? null;
  const connected =
    end !== null || MRR_MOVEMENTS.some(({ key }) => metrics[key] !== null && metrics[key] !== undefined);
  if (!connected) return null;
  const movements = MRR_MOVEMENTS.map(({ key, sign }) => ({ key, delta: sign * (metrics[key] ?? 0) + 0 }));
  const start = (end ?? 0) - movements.reduce((sum, { delta }) => sum + delta, 0);
  let level = start;
  const steps: WaterfallStep[] = [{ key: 'start', base: 0, size: start, value: start }];
  for (const { key, delta } of movements) {
    steps.push({ key, base: delta >= 0 ? level : level + delta, size: Math.abs(delta), value: delta });
    level += delta;
  }
  steps.push({ key: 'end', base: 0, size: end ?? 0, value: end ?? 0 });
  return steps;
}
