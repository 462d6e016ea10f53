// The dashboard's pure logic, run by jest as plain TypeScript (the React files are bundled by AdminJS).
import { addDays, autoBucket, presetRange, previousRange } from './dates';
import { formatTick, formatValue, hasHistory, kpiChange, percentChange } from './format';
import { flatten } from './json-rows';
import { waterfallSteps } from './waterfall-steps';

describe('dashboard logic', () => {
  it('builds the preset ranges and the previous period of the same length', () => {
    expect(presetRange('7d', '2025-04-30')).toEqual({ start: '2025-04-24', end: '2025-04-30' });
    expect(presetRange('30d', '2025-03-01')).toEqual({ start: '2025-01-31', end: '2025-03-01' });
    expect(presetRange('12m', '2025-04-30')).toEqual({ start: '2024-05-01', end: '2025-04-30' });
    expect(previousRange('2025-04-01', '2025-04-30')).toEqual({ start: '2025-03-02', end: '2025-03-31' });
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
  });

  it('picks a bucket that keeps charts to a few hundred points', () => {
    expect(autoBucket('2025-01-01', '2025-04-30')).toBe('daily'); // 120 days
    expect(autoBucket('2025-01-01', '2025-05-01')).toBe('weekly'); // 121 days
    expect(autoBucket('2024-01-01', '2025-07-03')).toBe('weekly'); // 550 days
    expect(autoBucket('2022-01-01', '2024-12-31')).toBe('monthly'); // 3 years: 36 points
  });

  it('computes the change against the previous period', () => {
    expect(percentChange(120, 100)).toBe(20);
    expect(percentChange(90, 120)).toBe(-25);
    expect(percentChange(1, 3)).toBe(-66.7);
    expect(percentChange(5, 0)).toBeNull();
    expect(percentChange(0, 0)).toBe(0);
    expect(percentChange(null, 3)).toBeNull();
    expect(formatValue(null, 'currency')).toBe('—');
    expect(formatValue(1234.5, 'currency')).toBe('$1,235');
    expect(formatValue(12.345, 'percent')).toBe('12.35%');
  });

  it('compares only with enough history, percentages in points', () => {
    const full = { days: 30, days_with_data: 30 };
    expect(hasHistory({ days: 30, days_with_data: 27 })).toBe(true); // 90 %
    expect(hasHistory({ days: 30, days_with_data: 26 })).toBe(false);
    expect(hasHistory({ days: 365, days_with_data: 1 })).toBe(false);
    expect(kpiChange(1538, 3, 'count', { days: 365, days_with_data: 1 })).toEqual({
      value: null,
      unit: '%',
      reason: 'no-history',
    });
    // 20.43 % → 21.04 %: +0.6 pt, not "+3 %".
    expect(kpiChange(21.04, 20.43, 'percent', full)).toEqual({ value: 0.6, unit: 'pt' });
    expect(kpiChange(120, 100, 'currency', full)).toEqual({ value: 20, unit: '%' });
    expect(kpiChange(null, 100, 'percent', full)).toEqual({ value: null, unit: 'pt' });
  });

  it('formats axis ticks with their unit', () => {
    expect(formatTick(600000, 'currency')).toBe('$600K');
    expect(formatTick(0.26, 'percent')).toBe('0.26%');
    expect(formatTick(0.05, 'usd')).toBe('$0.05');
    expect(formatTick(1500, 'count')).toBe('1.5K');
    expect(formatTick(340, 'milliseconds')).toBe('340 ms');
  });

  it("shows an audit record's JSON columns as rows, flattened by AdminJS or whole", () => {
    expect(flatten({ 'params.start': '2025-04-01', 'params.tenant': 'acme', actor: 'x' }, 'params')).toEqual([
      ['start', '2025-04-01'],
      ['tenant', 'acme'],
    ]);
    expect(flatten({ changes: { rate: { before: 5, after: 7.5 } } }, 'changes')).toEqual([
      ['rate.before', 5],
      ['rate.after', 7.5],
    ]);
  });

  it('lays out the MRR waterfall so the steps land on the reported MRR', () => {
    expect(waterfallSteps({ mrr: null, mrr_new: null })).toBeNull();
    const steps = waterfallSteps({
      mrr: 1000,
      mrr_new: 300,
      mrr_expansion: 50,
      mrr_reactivation: 20,
      mrr_contraction: 30,
      mrr_churn: 140,
    });
    // start = 1000 − (300 + 50 + 20 − 30 − 140) = 800
    expect(steps).toEqual([
      { key: 'start', base: 0, size: 800, value: 800 },
      { key: 'mrr_new', base: 800, size: 300, value: 300 },
      { key: 'mrr_expansion', base: 1100, size: 50, value: 50 },
      { key: 'mrr_reactivation', base: 1150, size: 20, value: 20 },
      { key: 'mrr_contraction', base: 1140, size: 30, value: -30 },
      { key: 'mrr_churn', base: 1000, size: 140, value: -140 },
      { key: 'end', base: 0, size: 1000, value: 1000 },
    ]);
  });
});
