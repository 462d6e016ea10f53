import { OTHER_PLANS, planRows } from './plan-stack';

describe('MRR by plan rows', () => {
  it('keeps every plan when there are few, with 0 where a plan has no MRR that day', () => {
    expect(
      planRows([
        { date: '2025-04-01', value: { basic: 100 } },
        { date: '2025-04-02', value: { basic: 100, pro: 300 } },
        { date: '2025-04-03', value: null },
      ]),
    ).toEqual({
      plans: ['pro', 'basic'],
      rows: [
        { date: '2025-04-01', pro: 0, basic: 100 },
        { date: '2025-04-02', pro: 300, basic: 100 },
        { date: '2025-04-03', pro: 0, basic: 0 },
      ],
    });
  });

  it('adds the smallest plans beyond the limit up as other plans, so the stack still adds up to MRR', () => {
    const value = { a: 50, b: 40, c: 30.1, d: 20.2 };
    const { plans, rows } = planRows([{ date: '2025-04-01', value }], 3);
    expect(plans).toEqual(['a', 'b', OTHER_PLANS]);
    // 30.1 + 20.2 = 50.3 (rounded to the cent, not 50.300000000000004).
    expect(rows).toEqual([{ date: '2025-04-01', a: 50, b: 40, [OTHER_PLANS]: 50.3 }]);
  });
});
